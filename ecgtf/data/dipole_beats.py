"""Learned beat shapes for the dipole generator: a Gaussian over principal components of real median beats.

The Gaussian waves of :mod:`ecgtf.data.synthetic` make beats that real ones tell apart in every lead (issue 16:
median beats of generated vs real records 0.93 apart by 1NNC, real vs real 0.55). A :class:`BeatModel` is the
alternative the generator takes with ``SyntheticConfig(beat_model="learned")``: one normally conducted beat
(P, QRS, T; −350…+650 ms around the R peak, 500 Hz) is

- a **dipole trajectory** ``d(t)`` (3, T) in Frank XYZ (mV), projected on the leads like the Gaussian waves'
  dipole (Dower rows; III, aVR, aVL, aVF derived, so Einthoven's and Goldberger's laws stay exact), and
- a **chest residual** (6, T) mV added to V1–V6 only: what a 3-D dipole does not explain (local, non-dipolar
  activity, torso differences). The limb leads are fully dipolar, so turning the dipole turns the frontal
  axis a reader measures, exactly — that keeps the LAD / RAD / normal-axis labels a contract.

Fitting (:func:`fit_beat_model`): median beats of real 12-lead mV records (R peaks refined at 500 Hz), each
split into ``d(t)`` — I and II reproduced exactly, Z by least squares over the chest leads — and the chest
residual; principal components of the stacked (9 × T) beats; a joint Gaussian over the first K component
scores and the log RR of the record, so a sampled beat goes with its heart rate (T-wave timing, QT).
Sampling (:meth:`BeatModel.sample`) draws scores from that Gaussian conditioned on the requested heart rate:
new beats, no record copied (the components are averages over records). The shipped model
(``dipole_beats.npz``, its model card ``dipole_beats.md``) was fitted by ``python -m training.fit_dipole_beats``
on the PTB-XL half that is not the synthesis protocol's reference.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ecgtf import synthesis_metrics as sm
from ecgtf.leads import DOWER_MATRIX, FRONTAL_ROWS

FS = 500.0
PRE_S, POST_S = 0.35, 0.65
"""The beat window around the R peak (s)."""
DEFAULT_PATH = Path(__file__).with_name("dipole_beats.npz")
EXCLUDED_FINDINGS = ("CLBBB", "CRBBB", "AFIB", "AFLT", "WPW", "PACE")
"""PTB-XL SCP codes of records left out of the fit: their beats are not normally conducted sinus beats (the
generator keeps Gaussian waves for bundle-branch blocks and removes the learned P wave for atrial fibrillation)."""
QRS_WINDOW_S = 0.05
"""Half-width (s) of the window around the R peak whose net area in I and aVF gives a learned beat's frontal QRS
axis. ±50 ms: on the fitting records' median beats a wider window reaches into the ST segment (±80 ms puts 19 %
of the records without an axis finding below −30°, ±50 ms 9 %)."""
AXIS_CLASSES = {"NORM": (-25.0, 85.0), "AFIB": (-25.0, 85.0), "LAD": (-85.0, -35.0), "RAD": (95.0, 175.0)}
"""Frontal axes (degrees, by :meth:`BeatModel.qrs_axis`) a sampled beat of each condition is drawn within: the
labels' −30° and 90° bounds with a 5° margin for what noise adds (and 5° inside −90° and 180°, the extreme axis)."""


def split_dipole(beats8: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(…, 8, T) beats in I, II, V1–V6 (mV) → ``(dipole (…, 3, T), chest residual (…, 6, T))``.

    The dipole reproduces I and II exactly (two equations fix X and Y for any Z); Z is the least-squares fit of
    the chest leads given that. ``Dower · dipole + [0, 0, residual]`` gives the beats back exactly.
    """
    limb, chest = DOWER_MATRIX[:2], DOWER_MATRIX[2:]
    a_inv = np.linalg.inv(limb[:, :2])        # XY = A⁻¹ (limb − Z · b)
    b = limb[:, 2]
    g = chest[:, 2] - chest[:, :2] @ a_inv @ b                  # chest's response to Z at fixed limb leads
    limb_part = chest[:, :2] @ a_inv                           # chest's response to the limb leads
    lim, ch = beats8[..., :2, :], beats8[..., 2:, :]
    free = ch - np.einsum("cl,...lt->...ct", limb_part, lim)
    z = np.einsum("c,...ct->...t", g, free) / (g @ g)
    xy = np.einsum("ij,...jt->...it", a_inv, lim - b[:, None] * z[..., None, :])
    dipole = np.concatenate([xy, z[..., None, :]], axis=-2)
    residual = ch - np.einsum("cd,...dt->...ct", chest, dipole)
    return dipole, residual


def qrs_axis(dipole: np.ndarray, pre: int, fs: float = FS) -> float:
    """Frontal QRS axis (degrees) of a beat's dipole (3, T) whose R peak is sample ``pre``: the net area of I and
    aVF within ±:data:`QRS_WINDOW_S` of it."""
    half = int(round(QRS_WINDOW_S * fs))
    lead_i, avf = FRONTAL_ROWS @ dipole[:, pre - half:pre + half]
    return float(np.degrees(np.arctan2(avf.sum(), lead_i.sum())))


def turn_frontal(dipole: np.ndarray, degrees) -> np.ndarray:
    """The dipole (3, T) with what leads I and aVF see of each sample turned by ``degrees`` (a number or (T,),
    toward +aVF) and Z kept: a QRS axis read from I and aVF where the angle is constant moves by exactly it."""
    f = FRONTAL_ROWS
    a = np.deg2rad(np.broadcast_to(np.asarray(degrees, np.float64), dipole.shape[-1:]))
    u, v = f @ dipole
    u2, v2 = np.cos(a) * u - np.sin(a) * v, np.sin(a) * u + np.cos(a) * v
    xy = np.linalg.solve(f[:, :2], np.stack([u2, v2]) - f[:, 2:] * dipole[2])
    return np.concatenate([xy, dipole[2:]])


@dataclass(frozen=True)
class BeatModel:
    """PCA-Gaussian beat model. ``mean`` (9, T) and ``components`` (K, 9, T): rows 0–2 dipole X, Y, Z, rows 3–8
    chest residual V1–V6 (mV); ``score_mean`` (K + 1,) and ``score_cov`` (K + 1, K + 1): the Gaussian over the
    K scores and the log RR (s) of the record; ``fs`` Hz, R peak at sample ``pre`` of T."""

    mean: np.ndarray
    components: np.ndarray
    score_mean: np.ndarray
    score_cov: np.ndarray
    fs: float = FS
    pre: int = int(PRE_S * FS)
    source: str = ""

    @property
    def n_components(self) -> int:
        return int(self.components.shape[0])

    @property
    def n_samples(self) -> int:
        return int(self.mean.shape[-1])

    def sample(self, rng: np.random.Generator, heart_rate_bpm: float) -> np.ndarray:
        """K scores of a new beat, drawn from the Gaussian conditioned on ``log RR = log(60 / heart_rate_bpm)``."""
        k = self.n_components
        mu, cov = self.score_mean, self.score_cov
        gain = cov[:k, k] / cov[k, k]
        cond_mean = mu[:k] + gain * (np.log(60.0 / heart_rate_bpm) - mu[k])
        cond_cov = cov[:k, :k] - np.outer(gain, cov[k, :k])
        chol = np.linalg.cholesky(cond_cov + 1e-12 * np.eye(k))
        return cond_mean + chol @ rng.standard_normal(k)

    def beat(self, scores) -> tuple[np.ndarray, np.ndarray]:
        """``(dipole (3, T), chest residual (6, T))`` mV of the given K scores."""
        x = self.mean + np.tensordot(np.asarray(scores, np.float64), self.components, axes=1)
        return x[:3], x[3:]

    def leads(self, scores) -> np.ndarray:
        """The beat of the given scores on the 12 leads (12, T) mV, through the Dower rows (no lead-vector jitter)."""
        from ecgtf.leads import complete_from_independent

        dipole, residual = self.beat(scores)
        independent = DOWER_MATRIX @ dipole
        independent[2:] += residual
        return complete_from_independent(independent)

    def qrs_axis(self, scores) -> float:
        """Frontal QRS axis (degrees) of the beat of these scores (:func:`qrs_axis`)."""
        return qrs_axis(self.beat(scores)[0], self.pre, self.fs)

    def sample_for(self, rng: np.random.Generator, heart_rate_bpm: float, condition: str,
                   tries: int = 100) -> tuple[np.ndarray, float | None]:
        """``(scores, axis)`` of a beat for ``condition`` (NORM, AFIB, LAD or RAD): scores are drawn until the
        beat's own axis lies in :data:`AXIS_CLASSES`; ``axis`` is None then, or — when ``tries`` draws all
        missed — the nearest axis of the class, which the generator turns the last beat to."""
        lo, hi = AXIS_CLASSES[condition]
        for _ in range(tries):
            scores = self.sample(rng, heart_rate_bpm)
            axis = self.qrs_axis(scores)
            if lo <= axis <= hi:
                return scores, None
        gap = lambda bound: abs((axis - bound + 180.0) % 360.0 - 180.0)   # noqa: E731  circular distance
        return scores, lo if gap(lo) < gap(hi) else hi

    def save(self, path) -> None:
        np.savez_compressed(path, mean=self.mean.astype(np.float16), components=self.components.astype(np.float16),
                            score_mean=self.score_mean, score_cov=self.score_cov, fs=self.fs, pre=self.pre,
                            source=np.array(self.source))

    @classmethod
    def load(cls, path) -> "BeatModel":
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"beat model {path} not found (fit one with `python -m training.fit_dipole_beats`)")
        try:
            z = np.load(path)
        except (ValueError, OSError) as exc:
            raise ValueError(f"{path} is not a beat model (.npz written by BeatModel.save): {exc}") from exc
        if not isinstance(z, np.lib.npyio.NpzFile):
            raise ValueError(f"{path} is not a beat model (.npz written by BeatModel.save): it holds one array")
        with z:
            missing = {"mean", "components", "score_mean", "score_cov", "fs", "pre"} - set(z.files)
            if missing:
                raise ValueError(f"{path} is not a beat model: it lacks {sorted(missing)}")
            return cls(z["mean"].astype(np.float64), z["components"].astype(np.float64), z["score_mean"],
                       z["score_cov"], float(z["fs"]), int(z["pre"]), str(z["source"]) if "source" in z.files else "")


@lru_cache(maxsize=4)
def load_beat_model(path: str | None = None) -> BeatModel:
    """The beat model at ``path`` (default: the one shipped with ecgtf), loaded once per process."""
    return BeatModel.load(DEFAULT_PATH if path is None else path)


def median_beats(signals: np.ndarray, fs: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Median beats of 12-lead mV records: ``(beats (M, 8, T) I, II, V1–V6 at 500 Hz, median RR (M,) s,
    index (M,) of the record each came from)``. Records are high-passed at 0.5 Hz (zero-phase); R peaks
    from the synthesis protocol's detector, refined to the slope envelope's maximum at 500 Hz; records with
    fewer than three beats are skipped."""
    from scipy import ndimage
    from scipy import signal as sps

    from ecgtf.leads import INDEPENDENT_LEADS, LEADS

    x = np.asarray(signals, np.float64)
    if x.ndim != 3 or x.shape[1] != 12:
        raise ValueError(f"expected signals (N, 12, samples) in mV, got shape {x.shape}")
    if fs != FS:
        x = sps.resample_poly(x, int(FS), int(fs), axis=-1)
    x = sps.sosfiltfilt(sps.butter(2, 0.5, "highpass", fs=FS, output="sos"), x, axis=-1)
    views = sm.protocol_view(x, FS)
    ind = [LEADS.index(name) for name in INDEPENDENT_LEADS]
    pre, post = int(PRE_S * FS), int(POST_S * FS)
    step = int(FS / sm.PROTOCOL_FS)
    beats, rrs, index = [], [], []
    for i, (rec, view) in enumerate(zip(x, views)):
        peaks, _ = sm.beat_peaks(view)
        if peaks.size < 3:
            continue
        env = ndimage.uniform_filter1d(np.sum(np.diff(rec[ind], axis=-1) ** 2, axis=0), int(0.01 * FS))
        near = int(0.02 * FS)
        at = np.array([p * step - near + int(np.argmax(env[max(0, p * step - near):p * step + near]))
                       for p in peaks])
        at = at[(at >= pre) & (at + post <= rec.shape[-1])]
        if at.size < 2:
            continue
        beats.append(np.median(np.stack([rec[ind, k - pre:k + post] for k in at]), axis=0))
        rrs.append(np.median(np.diff(peaks)) / sm.PROTOCOL_FS)
        index.append(i)
    return np.array(beats), np.array(rrs), np.array(index, dtype=int)


def fit_beat_model(signals: np.ndarray, fs: float, n_components: int = 20, source: str = "") -> BeatModel:
    """A :class:`BeatModel` from 12-lead mV records (N, 12, samples) at ``fs`` Hz (see the module docstring)."""
    beats, rrs, _ = median_beats(signals, fs)
    return fit_beat_model_to_beats(beats, rrs, n_components, source)


def fit_beat_model_to_beats(beats: np.ndarray, rrs: np.ndarray, n_components: int = 20,
                            source: str = "") -> BeatModel:
    """A :class:`BeatModel` from median beats (M, 8, T) at 500 Hz and their records' median RR (M,) s."""
    if len(beats) <= n_components + 1:
        raise ValueError(f"{len(beats)} usable records for {n_components} components: need more than "
                         f"{n_components + 1}")
    dipole, residual = split_dipole(beats)
    flat = np.concatenate([dipole, residual], axis=1).reshape(len(beats), -1)
    mean = flat.mean(0)
    _, _, vt = np.linalg.svd(flat - mean, full_matrices=False)
    comps = vt[:n_components]
    scores = (flat - mean) @ comps.T
    joint = np.concatenate([scores, np.log(rrs)[:, None]], axis=1)
    shape = (9, beats.shape[-1])
    return BeatModel(mean.reshape(shape), comps.reshape((n_components,) + shape), joint.mean(0),
                     np.cov(joint.T), FS, int(PRE_S * FS), source)
