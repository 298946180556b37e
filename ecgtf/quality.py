"""Signal-quality gate: is this Lead I window worth reconstructing? Rule-based, fast, with a reason.

    from ecgtf.quality import assess
    q = assess(lead_i_mv, fs=250)          # WindowQuality(ok=False, reason="flat: ...", score=0.0, features={...})

Every published reconstructor answers any input; a phone must not show twelve confident leads
computed from an electrode that fell off. :func:`assess` scores a window of Lead I (mV) with
features a watch can afford and refuses it, with a reason, when it is

- **non-finite** (NaN/inf samples),
- **flat** (band-passed std below ``min_std_mv``: lead off),
- **saturated** (a run of samples clipped at the window's extreme values),
- **implausible amplitude** (band-passed peak-to-peak above ``max_ptp_mv``: µV or ADC counts passed as mV),
- **noisy** (too little of the power in the QRS/T band, too much high-frequency or baseline power), or
- **beatless** (fewer R peaks than ``min_hr_bpm`` allows, or beat-to-beat intervals that no rhythm has).

The thresholds (:class:`QualityThresholds`) were tuned on the PhysioNet/CinC Challenge 2011
set-a labels (mobile-phone 12-lead ECGs marked acceptable/unacceptable; see
``benchmarks/quality_gate.py`` for the split and the measured accuracy). ``assess_leads`` applies
the same rules to each lead of a multi-lead recording (the 12-lead reference). ``WindowQuality.refused``
tells a refusal from a noise flag.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np


@dataclass(frozen=True)
class QualityThresholds:
    """Limits of :func:`assess`, grid-searched on the 599 tuning records of CinC 2011 set-a
    (``benchmarks/quality_gate.py``): the Lead I limits (acceptable records' Lead I against the same
    with injected defects); the 12-lead setting tunes its own (``runs/quality_gate.json``). Noise failures are *flags* in the stream
    (reconstructed, reason reported); the other failures make a window invalid."""

    min_std_mv: float = 0.005
    """Below: flat (lead off)."""
    max_ptp_mv: float = 15.0
    """Above (band-passed): implausible for mV (µV or ADC counts?)."""
    max_clipped_fraction: float = 0.005
    """Above: saturated (fraction of samples on a plateau within 0.5 % of the range from the min or max, in runs)."""
    min_qrs_power_fraction: float = 0.3
    """Below: noisy (power in 5–25 Hz, of the power above 0.5 Hz)."""
    min_kurtosis: float = 3.0
    """Below: noisy (excess kurtosis of the band-passed signal: peaky QRS complexes give ≫ 0, noise ≈ 0)."""
    max_hf_power_fraction: float = 0.1
    """Above: noisy (power above 40 Hz in the raw signal, of the total above 0.5 Hz)."""
    min_hr_bpm: float = 25.0
    max_hr_bpm: float = 240.0
    max_rr_cv: float = 0.3
    """Above: beat-to-beat intervals too irregular to be beats (coefficient of variation)."""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class WindowQuality:
    ok: bool
    reason: str
    """Empty when ``ok``; otherwise the first rule that failed, with the measured value."""
    score: float
    """0–1: how far inside the limits the window is (1 = far inside, 0 = failed)."""
    features: dict = field(default_factory=dict)
    refused: bool = False
    """The failure makes a reconstruction meaningless (lead off, saturation, NaN, units, no beats);
    False for noise, which is a flag."""


def _features(x: np.ndarray, fs: float) -> dict:
    from scipy import signal as sps

    from ecgtf.preprocessing.signal import bandpass_sos

    feats: dict = {}
    raw = x - np.median(x)
    rng = float(np.ptp(x))
    if rng > 0:
        tol = 0.005 * rng
        # clipped samples sit on a plateau at the extremes (an ADC rail): at most 0.5 % of the range from
        # the max or min, unchanged from the previous sample (a smooth trough is not a plateau), in runs ≥ 3
        flat_step = np.r_[False, np.abs(np.diff(x)) <= 1e-4 * rng]
        at_edge = ((x >= x.max() - tol) | (x <= x.min() + tol)) & flat_step
        runs = np.convolve(at_edge.astype(int), np.ones(3, int), mode="same") >= 3
        feats["clipped_fraction"] = float(np.mean(at_edge & runs))
    else:
        feats["clipped_fraction"] = 1.0
    hi = min(40.0, 0.45 * fs)
    bp = sps.sosfiltfilt(bandpass_sos(0.5, hi, fs, 2), raw)
    feats["std_mv"] = float(np.std(bp))
    feats["kurtosis"] = float(np.mean((bp - bp.mean()) ** 4) / max(np.var(bp) ** 2, 1e-30) - 3.0)
    feats["ptp_mv"] = float(np.ptp(bp))
    f, pxx = sps.welch(raw, fs=fs, nperseg=min(len(raw), int(2 * fs)))
    band = (f >= 0.5)
    total = float(np.sum(pxx[band])) or 1e-20
    feats["qrs_power_fraction"] = float(np.sum(pxx[(f >= 5) & (f <= 25)]) / total)
    feats["hf_power_fraction"] = float(np.sum(pxx[f > 40]) / total) if fs > 80 else 0.0
    return feats


def _beats(x: np.ndarray, fs: float) -> tuple[float, float, int]:
    from ecgtf.metrics import detect_r_peaks

    peaks = detect_r_peaks(x, fs)
    if peaks.size < 2:
        return float("nan"), float("nan"), int(peaks.size)
    rr = np.diff(peaks) / fs
    return float(60.0 / np.mean(rr)), float(np.std(rr) / np.mean(rr)), int(peaks.size)


def assess(x, fs: float, thresholds: QualityThresholds = QualityThresholds(), beats: bool = True) -> WindowQuality:
    """Quality of one Lead I window ``(n,)`` in mV at ``fs`` Hz (at least 2 s). Never raises on bad values."""
    t = thresholds
    x = np.asarray(x, dtype=np.float64).ravel()
    if x.size < int(2 * fs):
        return WindowQuality(False, f"too short: {x.size} samples, need ≥ {int(2 * fs)} (2 s)", 0.0, refused=True)
    finite = np.isfinite(x)
    if not finite.all():
        return WindowQuality(False, f"non-finite: {int((~finite).sum())} NaN/inf samples", 0.0,
                             {"nonfinite": int((~finite).sum())}, refused=True)
    f = _features(x, fs)
    checks = [  # (name, value, limit, failed, margin: >0 inside)
        ("flat", f["std_mv"], t.min_std_mv, f["std_mv"] < t.min_std_mv, np.log(f["std_mv"] / t.min_std_mv + 1e-12)),
        ("implausible amplitude", f["ptp_mv"], t.max_ptp_mv, f["ptp_mv"] > t.max_ptp_mv,
         np.log(t.max_ptp_mv / max(f["ptp_mv"], 1e-12))),
        ("saturated", f["clipped_fraction"], t.max_clipped_fraction, f["clipped_fraction"] > t.max_clipped_fraction,
         1 - f["clipped_fraction"] / t.max_clipped_fraction),
        ("noisy (little QRS-band power)", f["qrs_power_fraction"], t.min_qrs_power_fraction,
         f["qrs_power_fraction"] < t.min_qrs_power_fraction, f["qrs_power_fraction"] / t.min_qrs_power_fraction - 1),
        ("noisy (no peaky QRS: low kurtosis)", f["kurtosis"], t.min_kurtosis, f["kurtosis"] < t.min_kurtosis,
         (f["kurtosis"] - t.min_kurtosis) / max(abs(t.min_kurtosis), 1.0)),
        ("noisy (high-frequency power)", f["hf_power_fraction"], t.max_hf_power_fraction,
         f["hf_power_fraction"] > t.max_hf_power_fraction, 1 - f["hf_power_fraction"] / t.max_hf_power_fraction),
    ]
    hints = {"flat": " (lead off?)", "implausible amplitude": " mV (µV or ADC counts passed as mV?)"}
    for name, value, limit, failed, _ in checks:
        if failed:
            return WindowQuality(False, f"{name}: {value:.3g} vs limit {limit:g}{hints.get(name, '')}", 0.0, f,
                                 refused=not name.startswith("noisy"))
    margins = [m for *_, m in checks]
    if beats and f["std_mv"] > 0:
        hr, cv, n = _beats(x - np.median(x), fs)
        f.update(hr_bpm=hr, rr_cv=cv, n_beats=n)
        if not np.isfinite(hr) or hr < t.min_hr_bpm or hr > t.max_hr_bpm:
            return WindowQuality(False, f"no beats: {n} R peaks detected (heart rate {hr:.0f} bpm)", 0.0, f,
                                 refused=True)
        if cv > t.max_rr_cv:
            return WindowQuality(False, f"no rhythm: beat intervals vary by {cv:.2f} (limit {t.max_rr_cv:g})", 0.0, f,
                                 refused=True)
        margins.append(1 - cv / t.max_rr_cv)
    score = float(np.clip(min(margins), 0.0, 1.0))
    return WindowQuality(True, "", score, f)


def assess_leads(signal, fs: float, thresholds: QualityThresholds = QualityThresholds(),
                 beats: bool = True) -> list[WindowQuality]:
    """:func:`assess` for each lead of ``(n_leads, n)``."""
    return [assess(lead, fs, thresholds, beats) for lead in np.atleast_2d(np.asarray(signal, dtype=np.float64))]


def segment_quality(x, fs: float, seconds: float = 10.0,
                    thresholds: QualityThresholds = QualityThresholds()) -> list[tuple[float, float, WindowQuality]]:
    """:func:`assess` on consecutive segments of ``seconds`` (the last one may be longer, ≥ 2 s):
    ``[(start_s, end_s, quality)]`` — what the CLI reports before reconstructing a long recording."""
    x = np.asarray(x, dtype=np.float64).ravel()
    n = max(int(seconds * fs), int(2 * fs))
    starts = list(range(0, max(1, x.size - n + 1), n))
    out = []
    for i, s in enumerate(starts):
        e = x.size if i == len(starts) - 1 else s + n
        out.append((s / fs, e / fs, assess(x[s:e], fs, thresholds)))
    return out


