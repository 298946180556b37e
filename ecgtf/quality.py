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
    min_qrs_mv: float = 0.05
    max_qrs_mv: float = 5.0
    """Median QRS peak-to-peak (band-passed, ±60 ms around each R peak) outside these: not millivolts (a unit or
    gain error) or not an ECG. Lead I measured 0.11–3.6 mV over 1,453 records (PTB-XL subset, LUDB, CinC 2011
    acceptable); chest leads reach more (:data:`TWELVE_LEAD`: 10 mV)."""
    max_rr_cv: float = 0.3
    """Above: beat-to-beat intervals too irregular to be beats (coefficient of variation)."""

    def __post_init__(self):
        for name, value in asdict(self).items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
                raise ValueError(f"QualityThresholds.{name} = {value!r}: expected a finite number")
        if not (self.min_hr_bpm < self.max_hr_bpm and self.min_qrs_mv < self.max_qrs_mv):
            raise ValueError("QualityThresholds: each minimum must be below its maximum (heart rate, QRS amplitude)")

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


def _beats(x: np.ndarray, fs: float) -> tuple[float, float, int, float]:
    """(heart rate bpm, RR coefficient of variation, R peaks, median QRS peak-to-peak mV) by XQRS."""
    from ecgtf.metrics import detect_r_peaks
    from ecgtf.preprocessing.signal import bandpass

    peaks = detect_r_peaks(x, fs)
    if peaks.size < 2:
        return float("nan"), float("nan"), int(peaks.size), float("nan")
    rr = np.diff(peaks) / fs
    bp = bandpass(x, fs, 0.5, min(40.0, 0.45 * fs))
    half = max(1, int(round(0.06 * fs)))
    qrs = float(np.median([np.ptp(bp[max(0, p - half):p + half + 1]) for p in peaks]))
    return float(60.0 / np.mean(rr)), float(np.std(rr) / np.mean(rr)), int(peaks.size), qrs


def _unit_hint(qrs_mv: float, t: "QualityThresholds") -> str:
    """What a QRS of ``qrs_mv`` "mV" outside the physiological range most likely is."""
    if qrs_mv > 200:
        return "looks like µV: divide by 1000 or pass units='uV'"
    if qrs_mv > t.max_qrs_mv:
        return "looks like 0.1 mV units or a gain 10× too high: check the units"
    if qrs_mv < 0.0005:
        return "looks like volts: multiply by 1000 or pass units='V'"
    return "too small for a QRS (electrode off, or not an ECG)"


def assess(x, fs: float, thresholds: QualityThresholds = QualityThresholds(), beats: bool = True) -> WindowQuality:
    """Quality of one Lead I window ``(n,)`` in mV at ``fs`` Hz (at least 2 s). Bad samples are a refusal with a
    reason, never an exception; a bad ``fs`` (not a finite number > 0) is a ``ValueError``."""
    from ecgtf.windows import check_fs

    fs = check_fs(fs)
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
    noisy, noise_rules = "", 0
    for name, value, limit, failed, _ in checks:
        if failed and not name.startswith("noisy"):
            return WindowQuality(False, f"{name}: {value:.3g} vs limit {limit:g}{hints.get(name, '')}", 0.0, f,
                                 refused=True)
        if failed:
            noise_rules += 1
            noisy = noisy or f"{name}: {value:.3g} vs limit {limit:g}"
    if noise_rules == 3:   # no QRS-band power, no peaky complexes and broadband: noise, or a rate error
        return WindowQuality(False, f"not an ECG (or not sampled at {fs:g} Hz?): fails all three noise rules, first "
                             f"{noisy}", 0.0, f, refused=True)
    margins = [m for *_, m in checks]
    if beats and f["std_mv"] > 0:   # also for noisy windows: noise with no heartbeat in it is not an ECG
        hr, cv, n, qrs = _beats(x - np.median(x), fs)
        f.update(hr_bpm=hr, rr_cv=cv, n_beats=n, qrs_mv=qrs)
        also = f"; and {noisy}: not an ECG, or not sampled at {fs:g} Hz?" if noisy else ""
        if not np.isfinite(hr) or hr < t.min_hr_bpm or hr > t.max_hr_bpm:
            rate = f" at fs={fs:g} Hz, outside {t.min_hr_bpm:g}–{t.max_hr_bpm:g} bpm: check fs" if n >= 2 else ""
            return WindowQuality(False, f"no beats: {n} R peaks detected (heart rate {hr:.0f} bpm{rate}){also}", 0.0,
                                 f, refused=True)
        if cv > t.max_rr_cv:
            return WindowQuality(False, f"no rhythm: beat intervals vary by {cv:.2f} (limit {t.max_rr_cv:g}){also}",
                                 0.0, f, refused=True)
        if not t.min_qrs_mv <= qrs <= t.max_qrs_mv:
            return WindowQuality(False, f"implausible QRS amplitude: {qrs:.3g} mV peak-to-peak, expected "
                                 f"{t.min_qrs_mv:g}–{t.max_qrs_mv:g} mV ({_unit_hint(qrs, t)})", 0.0, f, refused=True)
        margins.append(1 - cv / t.max_rr_cv)
    if noisy:
        return WindowQuality(False, noisy, 0.0, f, refused=False)
    score = float(np.clip(min(margins), 0.0, 1.0))
    return WindowQuality(True, "", score, f)


TWELVE_LEAD = QualityThresholds(max_qrs_mv=10.0)
"""The limits for any of the 12 leads (chest-lead QRS complexes are larger than Lead I's)."""


def assess_leads(signal, fs: float, thresholds: QualityThresholds = TWELVE_LEAD,
                 beats: bool = True) -> list[WindowQuality]:
    """:func:`assess` for each lead of ``(n_leads, n)``."""
    return [assess(lead, fs, thresholds, beats) for lead in np.atleast_2d(np.asarray(signal, dtype=np.float64))]


def gate(x, fs: float, source: str = "Lead I", thresholds: QualityThresholds = QualityThresholds(),
         override: str = "quality=False") -> list[tuple[float, float, WindowQuality]]:
    """The signal-quality gate of a whole recording (:func:`segment_quality`): ``ValueError`` when no segment passes
    (with the measured reasons and how to override), a ``UserWarning`` naming the refused segments when some do
    not; returns the segments."""
    import warnings

    segments = segment_quality(x, fs, thresholds=thresholds)
    refused = [(a, b, q) for a, b, q in segments if q.refused]
    if segments and len(refused) == len(segments):
        reasons = "; ".join(dict.fromkeys(q.reason for *_, q in refused))
        raise ValueError(f"{source}: no segment passes the signal-quality gate ({reasons}); nothing worth "
                         f"reconstructing ({override} overrides)")
    if refused:
        warnings.warn(f"{source}: {len(refused)} of {len(segments)} segments refused by the quality gate (first, "
                      f"{refused[0][0]:.0f}–{refused[0][1]:.0f} s: {refused[0][2].reason}); their leads are "
                      "reconstructed but not trustworthy", UserWarning, stacklevel=3)
    return segments


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


