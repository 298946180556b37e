"""Ridge-regression and mean-beat baselines: each output lead at time t from a window of Lead I around t.

``y[lead, t] = w_lead · [I(t − k), …, I(t + k), 1]``, fitted in closed form on the training split
(``(XᵀX + αI)⁻¹ XᵀY``, no penalty on the bias). The floor any GAN must beat.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecgtf.data import segments
from ecgtf.data.cache import CacheSpec
from ecgtf.data.sources import data_root
from ecgtf.metrics import detect_r_peaks
from ecgtf.preprocessing.signal import resample
from ecgtf.scores import BAND, EVAL_FS

EVAL_CACHE = CacheSpec(fs=EVAL_FS, band_hz=BAND, filter_order=4)
"""Segments in the protocol's space (0.5–40 Hz, 100 Hz): the baselines' training data."""


def _windows(inputs: np.ndarray, half: int) -> np.ndarray:
    """(N, T) or (N, k, T) → (N, T, k·(2·half + 1) + 1): edge-padded windows of each input lead plus a bias column."""
    x = inputs[:, None] if inputs.ndim == 2 else inputs
    padded = np.pad(x, ((0, 0), (0, 0), (half, half)), mode="edge")
    idx = np.arange(x.shape[2])[:, None] + np.arange(2 * half + 1)[None, :]
    w = padded[:, :, idx]                                              # (N, k, T, 2·half + 1)
    w = w.transpose(0, 2, 1, 3).reshape(x.shape[0], x.shape[2], -1)
    return np.concatenate([w, np.ones(w.shape[:2] + (1,))], axis=-1)


@dataclass
class RidgeLeadRegressor:
    half_window: int = 16
    """Samples on each side of t (16 samples = 256 ms at 62.5 Hz)."""
    alpha: float = 1.0
    weights: np.ndarray | None = None

    def fit(self, lead_i: np.ndarray, leads: np.ndarray) -> "RidgeLeadRegressor":
        """``lead_i`` (N, T) — or several input leads (N, k, T) — and ``leads`` (N, 12, T)."""
        x = _windows(np.asarray(lead_i, np.float64), self.half_window)
        x = x.reshape(-1, x.shape[-1])
        y = np.asarray(leads, np.float64).transpose(0, 2, 1).reshape(-1, leads.shape[1])
        reg = self.alpha * np.eye(x.shape[1])
        reg[-1, -1] = 0.0
        self.weights = np.linalg.solve(x.T @ x + reg, x.T @ y)
        return self

    def predict(self, lead_i: np.ndarray) -> np.ndarray:
        """(N, T) or (N, k, T) input leads → (N, 12, T)."""
        if self.weights is None:
            raise ValueError("RidgeLeadRegressor.predict called before fit")
        x = _windows(np.asarray(lead_i, np.float64), self.half_window)
        return np.einsum("ntf,fl->nlt", x, self.weights).astype(np.float32)


# ---------- the reconstruction protocol's baselines (fitted on millivolt training segments) ----------------

class RidgeBaseline:
    """33-tap ridge of Lead I → 12 leads at 100 Hz in mV (no oracle), fitted on millivolt training windows."""

    name = "ridge (mV, 33 taps)"

    def __init__(self, windows_mv: np.ndarray):
        self.model = RidgeLeadRegressor(half_window=16, alpha=1.0).fit(windows_mv[:, 0], windows_mv)

    def predict_eval(self, lead_i_eval: np.ndarray) -> np.ndarray:
        return self.model.predict(lead_i_eval[None])[0]

    def predict_record(self, record_eval: np.ndarray) -> np.ndarray:
        """A (12, T) record in the protocol's space → (12, T), from its Lead I."""
        return self.predict_eval(record_eval[0])


class InputLeadsRidgeBaseline:
    """The same ridge with several input leads (e.g. I and II): each output lead from 33 taps of every input lead,
    the given leads returned as given. What a learned multi-lead model has to beat."""

    def __init__(self, windows_mv: np.ndarray, inputs: tuple[str, ...]):
        from ecgtf.leads import LEADS

        self.rows = [LEADS.index(n) for n in inputs]
        self.name = f"ridge {'+'.join(inputs)} (mV, 33 taps)"
        self.model = RidgeLeadRegressor(half_window=16, alpha=1.0).fit(windows_mv[:, self.rows], windows_mv)

    def predict_record(self, record_eval: np.ndarray) -> np.ndarray:
        out = self.model.predict(record_eval[None, self.rows])[0].astype(np.float64)
        out[self.rows] = record_eval[self.rows]
        return out


class MeanBeatBaseline:
    """Each lead's population mean beat (mV, 100 Hz), placed at the R peaks detected in Lead I."""

    name = "population mean beat"
    before, after = 25, 45      # samples at 100 Hz: 250 ms before and 450 ms after the R peak

    def __init__(self, segments_mv: np.ndarray):
        beats = []
        for seg in segments_mv:
            for r in self._peaks(seg[0]):
                if r - self.before >= 0 and r + self.after <= seg.shape[1]:
                    beats.append(seg[:, r - self.before:r + self.after])
        if not beats:
            raise ValueError("no beats found in the training segments for the mean-beat baseline")
        self.template = np.mean(beats, axis=0)

    @staticmethod
    def _peaks(lead_i_100: np.ndarray) -> np.ndarray:
        peaks = detect_r_peaks(resample(lead_i_100, EVAL_FS, 500.0), 500.0)
        return np.round(np.asarray(peaks) / 5.0).astype(int)

    def predict_record(self, record_eval: np.ndarray) -> np.ndarray:
        """A (12, T) record in the protocol's space → (12, T), from its Lead I."""
        return self.predict_eval(record_eval[0])

    def predict_eval(self, lead_i_eval: np.ndarray) -> np.ndarray:
        out = np.zeros((12, lead_i_eval.shape[0]))
        cnt = np.zeros(lead_i_eval.shape[0])
        for r in self._peaks(lead_i_eval):
            a, b = max(0, r - self.before), min(out.shape[1], r + self.after)
            out[:, a:b] += self.template[:, a - (r - self.before):b - (r - self.before)]
            cnt[a:b] += 1
        return out / np.maximum(cnt, 1)


def baseline_training_data(data_dir=None, max_segments: int = 2000, seed: int = 0) -> np.ndarray:
    """Millivolt training segments (N, 12, 1000) at 100 Hz, band-passed: PTB-XL folds 1–8, CinC 2011, CinC 2021."""
    data_dir = str(data_dir) if data_dir else None
    segs = []
    for name in ("ptb-xl", "cinc2011", "cinc2021"):
        try:
            cache = segments.source_cache(name, EVAL_CACHE, data_dir, progress=False)
        except FileNotFoundError:
            continue
        idx = segments.split_indices(name, cache, data_dir)["train"]
        segs.append(cache.segments(idx))
    if not segs:
        raise FileNotFoundError(f"the ridge and mean-beat baselines need millivolt training records (ptb-xl, cinc2011 "
                                f"or cinc2021) below the data root {data_dir or data_root()}; none was found")
    x = np.concatenate(segs)
    rng = np.random.default_rng(seed)
    return x[rng.permutation(len(x))[:max_segments]]
