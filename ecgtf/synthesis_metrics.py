"""The synthesis protocol's metrics: one view and one set of measures for every source of 12-lead ECGs.

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

The protocol itself (the real reference, the sources, the table) is :mod:`ecgtf.synthesis_quality`.
"""
from __future__ import annotations

import numpy as np

from ecgtf.leads import LEADS
from ecgtf.metrics import envelope_r_peaks, gaussian_frechet

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


def beat_peaks(view: np.ndarray, fs: float = PROTOCOL_FS):
    """R-peak indices of one view (12, n) from the summed squared slope of all leads (smoothed over 50 ms, peaks
    ≥ 0.3 s apart above 30 % of its 99th percentile; :func:`ecgtf.metrics.envelope_r_peaks`), and that envelope."""
    return envelope_r_peaks(view, fs, envelope="slope", smooth_s=0.05, min_rr_s=0.3, percentile=99.0)


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
        peaks, env = beat_peaks(v, fs)
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
        peaks, _ = beat_peaks(v, fs)
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
