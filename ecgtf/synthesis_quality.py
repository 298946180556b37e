"""One protocol for judging synthetic 10 s 12-lead ECGs, the same for every source.

Every record (real or generated, (12, n) in mV at any rate) goes through :func:`protocol_view`:
zero-phase Butterworth band-pass 0.5–40 Hz (order 4, as the published z-scored PTB-XL), resampling to
100 Hz, the first 10 s (1,000 samples), each lead z-scored over its 10 s. On those views:

- **1NNC**: leave-one-out 1-nearest-neighbour two-sample accuracy (Euclidean on the 12 × 1,000 values;
  0.5 = indistinguishable, 1.0 = separable), equal-sized sets;
- **MMD²**: unbiased squared maximum mean discrepancy, Gaussian kernel whose bandwidth is the median
  pairwise distance between the *real* views. Measured limitation: on unaligned 12,000-value views every
  pairwise distance is about the same, so this kernel is nearly blind — white noise scores *below* a
  second real set. The table therefore also gives **MMD² of the features** (the same estimator on the
  standardised features of FD, bandwidth = median real feature distance), which does separate them;
- **FD**: Fréchet distance between Gaussians fitted to interpretable per-record features
  (:func:`record_features`: heart rate, RR variability, QRS width and the relative power of each lead in
  0.5–5, 5–15 and 15–40 Hz), each feature standardised by the real reference's mean and std — so the
  FD is in units of the real spread and every feature weighs the same; :func:`frechet_terms` says which
  features contribute most;

plus, on the raw millivolt output, **Einthoven's residual** rms(III − (II − I)) / rms(II) and the
**heart-rate spread** (std of the per-record heart rates, bpm).

The real reference is one half of PTB-XL (patients split in two, :func:`ptbxl_halves`); the other half
is the "real vs real" row, and generators trained here never see the reference half.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecgtf.leads import LEADS

PROTOCOL_FS = 100.0
PROTOCOL_SAMPLES = 1000
BAND_HZ = (0.5, 40.0)
POWER_BANDS_HZ = ((0.5, 5.0), (5.0, 15.0), (15.0, 40.0))


# ---------- the view every metric sees -----------------------------------------------------------------

def protocol_view(signals: np.ndarray, fs: float) -> np.ndarray:
    """(N, 12, n) mV at ``fs`` → (N, 12, 1000) float32: band-pass 0.5–40 Hz (zero phase), 100 Hz, per-lead z-score.

    Records shorter than 10 s are refused; longer ones keep their first 10 s. A flat lead stays 0.
    """
    from ecgtf.preprocessing.signal import bandpass_resample

    x = np.asarray(signals, dtype=np.float64)
    if x.ndim != 3 or x.shape[1] != 12:
        raise ValueError(f"expected records (N, 12, n_samples), got shape {x.shape}")
    if x.shape[-1] < int(round(10.0 * fs)):
        raise ValueError(f"records of {x.shape[-1] / fs:.2f} s at {fs:g} Hz; the protocol needs 10 s")
    if not np.all(np.isfinite(x)):
        raise ValueError("records contain NaN or inf")
    x = bandpass_resample(x, fs, BAND_HZ, PROTOCOL_FS, order=4)[..., :PROTOCOL_SAMPLES]
    std = x.std(axis=-1, keepdims=True)
    x = (x - x.mean(axis=-1, keepdims=True)) / np.where(std > 1e-9, std, 1.0)
    return x.astype(np.float32)


# ---------- per-record features ---------------------------------------------------------------------------

FEATURE_NAMES = (("heart_rate_bpm", "rr_cv", "qrs_width_ms")
                 + tuple(f"power_{lead}_{lo:g}-{hi:g}Hz" for lead in LEADS for lo, hi in POWER_BANDS_HZ))


def _beats(view: np.ndarray, fs: float = PROTOCOL_FS):
    """R-peak indices of one view (12, n) from the summed squared slope of all leads, and that envelope."""
    from scipy import ndimage
    from scipy import signal as sps

    env = np.sum(np.diff(view, axis=-1) ** 2, axis=0)
    env = ndimage.uniform_filter1d(env, size=max(1, int(0.05 * fs)))
    height = 0.3 * np.percentile(env, 99)
    peaks, _ = sps.find_peaks(env, height=height, distance=int(0.3 * fs))
    return peaks, env


def record_features(views: np.ndarray, fs: float = PROTOCOL_FS) -> np.ndarray:
    """(N, 12, n) protocol views → (N, 39) features (:data:`FEATURE_NAMES`).

    Heart rate = 60 / median RR (bpm) and RR variability = std/mean of RR, from the peaks of the summed
    squared slope of all leads; QRS width (ms) = time the median-beat slope envelope stays above 30 % of its
    peak; band powers = log10 of each lead's share of its Welch power in 0.5–5 / 5–15 / 15–40 Hz. Records
    with fewer than two beats get NaN rhythm features (dropped by :func:`feature_frechet`).
    """
    from scipy import signal as sps

    views = np.asarray(views, dtype=np.float64)
    f, p = sps.welch(views, fs=fs, nperseg=256, axis=-1)
    total = p[..., (f >= BAND_HZ[0]) & (f <= BAND_HZ[1])].sum(-1) + 1e-12
    powers = np.stack([np.log10(p[..., (f >= lo) & (f < hi)].sum(-1) / total + 1e-6) for lo, hi in POWER_BANDS_HZ],
                      axis=-1).reshape(len(views), -1)
    rhythm = np.full((len(views), 3), np.nan)
    half = int(0.25 * fs)
    for i, v in enumerate(views):
        peaks, env = _beats(v, fs)
        if peaks.size < 2:
            continue
        rr = np.diff(peaks) / fs
        inner = peaks[(peaks >= half) & (peaks < env.size - half)]
        width = np.nan
        if inner.size:
            beat = np.median(np.stack([env[k - half:k + half] for k in inner]), axis=0)
            width = 1000.0 * np.sum(beat > 0.3 * beat.max()) / fs
        rhythm[i] = (60.0 / np.median(rr), rr.std() / rr.mean(), width)
    return np.concatenate([rhythm, powers], axis=1).astype(np.float64)


def median_beats(views: np.ndarray, before_s: float = 0.25, after_s: float = 0.45,
                 fs: float = PROTOCOL_FS) -> np.ndarray:
    """(N, 12, n) protocol views → (N, 12, 70) median beats: every lead from 0.25 s before to 0.45 s after
    each detected beat (the peaks of :func:`record_features`), median over the record's beats; zeros for a
    record without a whole beat. The shape the 1NNC compares once heart rate and beat phase are taken out."""
    pre, post = int(round(before_s * fs)), int(round(after_s * fs))
    out = np.zeros((len(views), 12, pre + post), dtype=np.float64)
    for i, v in enumerate(np.asarray(views, dtype=np.float64)):
        peaks, _ = _beats(v, fs)
        peaks = peaks[(peaks >= pre) & (peaks <= v.shape[-1] - post)]
        if peaks.size:
            out[i] = np.median(np.stack([v[:, k - pre:k + post] for k in peaks]), axis=0)
    return out


def _standardise(ref: np.ndarray, other: np.ndarray):
    ref = ref[np.all(np.isfinite(ref), axis=1)]
    other = other[np.all(np.isfinite(other), axis=1)]
    mu, sd = ref.mean(0), ref.std(0)
    sd = np.where(sd > 1e-9, sd, 1.0)
    return (ref - mu) / sd, (other - mu) / sd


def feature_frechet(ref_features: np.ndarray, features: np.ndarray) -> float:
    """Fréchet distance between Gaussian fits of the two feature sets, both standardised by the reference
    (records with a NaN feature dropped)."""
    from ecgtf.models.me_gan.bench import gaussian_frechet

    a, b = _standardise(ref_features, features)
    if len(a) < 3 or len(b) < 3:
        return float("nan")
    return gaussian_frechet(a, b)


def frechet_terms(ref_features: np.ndarray, features: np.ndarray) -> dict[str, float]:
    """Per-feature share of the FD if the features were independent: (Δmean)² + (σ₁ − σ₂)², in
    reference-std units — the features that push a source's FD up."""
    a, b = _standardise(ref_features, features)
    if len(a) < 3 or len(b) < 3:
        return {}
    terms = (a.mean(0) - b.mean(0)) ** 2 + (a.std(0) - b.std(0)) ** 2
    return dict(zip(FEATURE_NAMES, map(float, terms)))


# ---------- set-level metrics -----------------------------------------------------------------------------

def _median_distance(x: np.ndarray) -> float:
    """Median pairwise Euclidean distance between the rows of ``x`` (the kernels' bandwidth)."""
    from ecgtf.metrics import _sq_dists

    return float(np.sqrt(np.median(_sq_dists(x, x)[np.triu_indices(len(x), 1)])))


def mmd2(real_views: np.ndarray, views: np.ndarray) -> float:
    """Unbiased MMD² with a Gaussian kernel; bandwidth = median pairwise distance of the real views."""
    from ecgtf.metrics import mmd

    r = np.asarray(real_views, np.float64).reshape(len(real_views), -1)
    return mmd(r, np.asarray(views, np.float64).reshape(len(views), -1), sigma=_median_distance(r))


def mmd2_features(ref_features: np.ndarray, features: np.ndarray) -> float:
    """Unbiased MMD² between the standardised feature sets (bandwidth = median reference pairwise distance)."""
    from ecgtf.metrics import mmd

    a, b = _standardise(ref_features, features)
    if len(a) < 2 or len(b) < 2:
        return float("nan")
    return mmd(a, b, sigma=_median_distance(a))


def einthoven_residual(signals: np.ndarray) -> float:
    """Mean over records of rms(III − (II − I)) / rms(II) on the raw output ((N, 12, n), canonical order)."""
    from ecgtf.leads import limb_lead_residuals

    x = np.asarray(signals, np.float64)
    res = np.sqrt(np.mean(limb_lead_residuals(x)[:, 0] ** 2, axis=-1))     # III − (II − I)
    return float(np.mean(res / np.maximum(np.sqrt(np.mean(x[:, 1] ** 2, axis=-1)), 1e-9)))


@dataclass
class SourceScore:
    """One row of the table."""

    name: str
    n: int
    nnc: float
    mmd2: float
    mmd2_features: float
    fd: float
    einthoven: float
    hr_mean: float
    hr_spread: float
    lead_ii_p2p_mv: float
    seconds_per_1000: float | None = None
    note: str = ""
    top_terms: tuple = ()
    nnc_sd: float = 0.0
    """Spread (std) of the 1NNC across ``repeats`` generated sets (0 for one set)."""
    repeats: int = 1


def score_source(name: str, signals: np.ndarray, fs: float, ref_views: np.ndarray, ref_features: np.ndarray,
                 seconds_per_1000: float | None = None, note: str = "", seed: int = 0) -> SourceScore:
    """Score ``signals`` (N, 12, n) mV against the reference views/features (1NNC on equal-sized sets:
    ``min(N, n_ref)`` records of each, drawn with ``seed``)."""
    from ecgtf.metrics import one_nn_accuracy

    views = protocol_view(signals, fs)
    feats = record_features(views)
    rng = np.random.default_rng(seed)
    k = min(len(views), len(ref_views))
    a = ref_views[rng.permutation(len(ref_views))[:k]]
    b = views[rng.permutation(len(views))[:k]]
    terms = frechet_terms(ref_features, feats)
    top = tuple(sorted(terms.items(), key=lambda kv: -kv[1])[:3])
    hr = feats[:, 0]
    p2p = np.ptp(np.asarray(signals)[:, 1], axis=-1)
    return SourceScore(name=name, n=len(signals), nnc=one_nn_accuracy(a, b), mmd2=mmd2(ref_views, views),
                       mmd2_features=mmd2_features(ref_features, feats),
                       fd=feature_frechet(ref_features, feats), einthoven=einthoven_residual(signals),
                       hr_mean=float(np.nanmean(hr)), hr_spread=float(np.nanstd(hr)),
                       lead_ii_p2p_mv=float(np.median(p2p)), seconds_per_1000=seconds_per_1000, note=note,
                       top_terms=top)


def mean_score(rows: list[SourceScore]) -> SourceScore:
    """One row from the scores of several generated sets of one source: every number averaged, the
    1NNC's std across the sets kept as ``nnc_sd``, the largest FD terms of the first set."""
    from dataclasses import fields, replace

    if len(rows) == 1:
        return rows[0]
    numeric = {f.name: float(np.mean([getattr(r, f.name) for r in rows])) for f in fields(SourceScore)
               if f.name not in ("name", "n", "note", "top_terms", "nnc_sd", "repeats", "seconds_per_1000")}
    speeds = [r.seconds_per_1000 for r in rows if r.seconds_per_1000 is not None]
    return replace(rows[0], **numeric, nnc_sd=float(np.std([r.nnc for r in rows])), repeats=len(rows),
                   seconds_per_1000=float(np.mean(speeds)) if speeds else None)


def format_table(rows: list[SourceScore]) -> str:
    """A Markdown table of the rows."""
    head = ("| source | N | 1NNC | MMD² (views) | MMD² (features) | FD | Einthoven residual | HR mean ± spread (bpm) | lead II p2p (mV) "
            "| s / 1,000 records | largest FD terms |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    lines = [head]
    for r in rows:
        speed = f"{r.seconds_per_1000:.1f}" if r.seconds_per_1000 is not None else "–"
        terms = ", ".join(f"{k} {v:.1f}" for k, v in r.top_terms)
        nnc = f"{r.nnc:.3f}" + (f" ± {r.nnc_sd:.3f} ({r.repeats} sets)" if r.repeats > 1 else "")
        lines.append(f"| {r.name}{' (' + r.note + ')' if r.note else ''} | {r.n} | {nnc} | {r.mmd2:.1e} | {r.mmd2_features:.3f} | "
                     f"{r.fd:.1f} | {r.einthoven:.1e} | {r.hr_mean:.0f} ± {r.hr_spread:.0f} | {r.lead_ii_p2p_mv:.2f} | "
                     f"{speed} | {terms} |")
    return "\n".join(lines)


# ---------- real data ----------------------------------------------------------------------------------

def ptbxl_halves(data_dir=None, progress: bool = False, seed: int = 0):
    """PTB-XL (mV) split by patient into two halves: ``(training_half, reference_half)`` EcgDatasets.

    The reference half is what every source is compared with; the other half is the real-vs-real row
    and may be used to train generators.
    """
    from ecgtf.data.ptbxl import PTBXL
    from ecgtf.data.sources import dataset_dir
    from ecgtf.data.splits import split_by_patient

    ds = PTBXL(dataset_dir("ptb-xl", data_dir)).load(progress=progress)
    first, second = split_by_patient(ds.patient_ids, (0.5, 0.5), seed=seed)
    return ds.subset(first), ds.subset(second)


MV_SOURCES = ("ptb-xl", "ludb", "cinc2011", "cinc2021")
"""The millivolt 12-lead sets below the data root that generators may train on."""


def load_mv_records(source: str, data_dir=None, progress: bool = False):
    """One millivolt 12-lead set as an EcgDataset at its own rate (CinC 2011: acceptable records with no
    saturated or flat lead; CinC 2021: 10 s at 500 Hz)."""
    from ecgtf.data.sources import dataset_dir

    folder = dataset_dir(source, data_dir)
    if source == "ptb-xl":
        from ecgtf.data.ptbxl import PTBXL
        return PTBXL(folder).load(progress=progress)
    if source == "ludb":
        from ecgtf.data.ludb import LUDB
        return LUDB(folder).load(progress=progress)
    if source == "cinc2011":
        from ecgtf.data.cinc import CinC2011
        ds = CinC2011(folder).load(quality="acceptable", progress=progress)
        keep = [i for i, m in enumerate(ds.meta) if not m["saturated_leads"] and not m["flat_leads"]]
        return ds.subset(keep)
    if source == "cinc2021":
        from ecgtf.data.cinc import CinC2021
        return CinC2021(folder).load(seconds=10.0, fs=500.0, progress=progress)
    raise ValueError(f"unknown millivolt source {source!r}; expected one of {MV_SOURCES}")


# ---------- generated sources ----------------------------------------------------------------------------

def dipole_records(n: int, seed: int = 0, mix: str = "ptb-xl", ranges: str = "learned"):
    """ecgtf's dipole generator (:mod:`ecgtf.data.synthetic`): (n, 12, 5000) mV at 500 Hz. ``mix``: the
    condition mix (``ptb-xl`` shares or ``balanced``, as ``--data synthetic`` trains); ``ranges``: ``learned``
    (the default: beats from the learned beat model), ``waves`` (the fitted Gaussian-wave ranges) or
    ``original`` (the hand-set ranges of ecgtf ≤ 0.1)."""
    from ecgtf.data import synthetic as syn

    table = {"learned": syn.LEARNED_RANGES, "waves": syn.REALISTIC_RANGES, "original": syn.ORIGINAL_RANGES}
    signals, _, _ = syn.generate_dataset(n, seed=seed, mix=mix, ranges=table[ranges])
    return signals, 500.0, "mV"


def neurokit2_records(n: int, seed: int = 0):
    """neurokit2's ``ecg_simulate(method="multileads")``, 10 s at 500 Hz, heart rate drawn from U(55, 95) bpm."""
    try:
        import neurokit2 as nk
    except ImportError as exc:
        raise ImportError("neurokit2 is not installed: pip install neurokit2") from exc
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        df = nk.ecg_simulate(duration=10, sampling_rate=500, heart_rate=float(rng.uniform(55, 95)),
                             method="multileads", random_state=int(rng.integers(2 ** 31)))
        from ecgtf.leads import reorder_leads

        out.append(reorder_leads(df.to_numpy().T, list(df.columns)))
    return np.stack(out).astype(np.float32), 500.0, "mV (as returned)"


def deepfake_ecg_records(n: int, seed: int = 0, batch_size: int = 16):
    """The published Pulse2Pulse generator of the ``deepfake-ecg`` package (PyTorch, CPU), 8 leads at
    500 Hz, rescaled as the package does (× 6,000, integers) and read as microvolts (÷ 1,000 → mV); III,
    aVR, aVL, aVF derived."""
    try:
        import deepfakeecg
        import torch
    except ImportError as exc:
        raise ImportError("deepfake-ecg needs PyTorch: pip install deepfake-ecg torch") from exc
    from pathlib import Path

    from ecgtf.leads import complete_from_independent

    net = deepfakeecg.Generator()
    ckpt = torch.load(Path(deepfakeecg.__file__).parent / "checkpoints" / "g_stat.pt", map_location="cpu")
    net.load_state_dict(ckpt["stat_dict"])
    net.eval()
    torch.manual_seed(seed)
    out = []
    with torch.no_grad():
        for start in range(0, n, batch_size):
            k = min(batch_size, n - start)
            x = net(torch.empty(k, 8, 5000).uniform_(-1, 1))
            out.append(np.trunc(x.numpy() * 6000.0) / 1000.0)   # the package's integers, µV → mV
    return complete_from_independent(np.concatenate(out)).astype(np.float32), 500.0, "package µV ÷ 1,000"


def pulse2pulse_records(run: str, n: int, seed: int = 0):
    """A trained Pulse2Pulse run (:func:`ecgtf.models.pulse2pulse.sampling.sample_records`)."""
    from ecgtf.models.pulse2pulse.sampling import sample_records

    signals, fs = sample_records(run, n, seed=seed)
    return signals, fs, "mV"


GENERATED = {
    "dipole": dipole_records,
    "dipole-balanced": lambda n, seed=0: dipole_records(n, seed, mix="balanced"),
    "dipole-waves": lambda n, seed=0: dipole_records(n, seed, ranges="waves"),
    "dipole-original": lambda n, seed=0: dipole_records(n, seed, mix="balanced", ranges="original"),
    "neurokit2": neurokit2_records,
    "deepfake-ecg": deepfake_ecg_records,
}
"""Named generated sources: name → ``(n, seed) → (signals (n, 12, samples), fs, units note)``. ``dipole``:
learned beats (:data:`ecgtf.data.synthetic.LEARNED_RANGES`), PTB-XL-like condition mix; ``dipole-balanced``:
the same, the six conditions evenly (what ``--data synthetic`` trains on); ``dipole-waves``: the fitted
Gaussian-wave ranges (``REALISTIC_RANGES``: ``dipole`` up to session 11), PTB-XL-like mix; ``dipole-original``:
ecgtf ≤ 0.1 (hand-set ranges, balanced). A run directory of ``ecgtf train pulse2pulse`` is a source too."""
