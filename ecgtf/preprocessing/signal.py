"""Signal checks and filters shared by all pipelines (and mirrored by the Android Java core).

Filters are defined so that they can be reproduced bit-for-bit elsewhere: a Butterworth band-pass
in second-order sections applied forward and backward (``scipy.signal.sosfiltfilt`` with its
default odd padding), and polyphase resampling (``scipy.signal.resample_poly``, Kaiser β=5 FIR).
"""
from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import numpy as np
from scipy import signal as sps


def validate_signal(x: np.ndarray, *, name: str = "signal", min_samples: int | None = None,
                    n_leads: int | None = None, fs: float | None = None, expected_fs: float | None = None,
                    resample: bool = False, flat_tol: float = 1e-6) -> np.ndarray:
    """Check an ECG array ``(n_leads, n_samples)`` or ``(n_samples,)``; return it as float64.

    Raises ``ValueError`` saying what was expected for: wrong shape or lead count, NaN/inf, too
    few samples, a sampling rate other than ``expected_fs`` when ``resample`` is False, or a
    flat line (peak-to-peak below ``flat_tol`` in any lead).
    """
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.number):
        raise ValueError(f"{name}: expected a numeric array, got dtype {x.dtype}")
    x = x.astype(np.float64)
    if x.ndim not in (1, 2):
        raise ValueError(f"{name}: expected shape (n_samples,) or (n_leads, n_samples), got {x.shape}")
    if n_leads is not None and (x.ndim != 2 or x.shape[0] != n_leads):
        raise ValueError(f"{name}: expected {n_leads} leads as shape ({n_leads}, n_samples), got {x.shape}")
    if not np.all(np.isfinite(x)):
        bad = int(np.size(x) - np.count_nonzero(np.isfinite(x)))
        raise ValueError(f"{name}: contains {bad} NaN or inf samples; expected finite values")
    if fs is not None and expected_fs is not None and not np.isclose(fs, expected_fs) and not resample:
        raise ValueError(f"{name}: sampled at {fs:g} Hz, expected {expected_fs:g} Hz "
                         "(pass resample=True / --resample to convert)")
    if min_samples is not None and x.shape[-1] < min_samples:
        secs = f" ({min_samples / fs:g} s at {fs:g} Hz)" if fs else ""
        raise ValueError(f"{name}: has {x.shape[-1]} samples, expected at least {min_samples}{secs}")
    ptp = np.ptp(x, axis=-1)
    if np.any(ptp < flat_tol):
        which = np.flatnonzero(np.atleast_1d(ptp < flat_tol)).tolist()
        raise ValueError(f"{name}: flat line (peak-to-peak < {flat_tol:g}) in lead index(es) {which}; "
                         "expected a recorded ECG")
    return x


def one_lead(x, name: str = "Lead I") -> np.ndarray:
    """``x`` as a 1-D numeric array: (n,), (1, n) or (n, 1) are accepted; a multi-lead array or text is a
    ``ValueError`` saying to pass one lead."""
    x = np.asarray(x)
    if x.ndim == 2 and 1 in x.shape:
        x = x.reshape(-1)
    if x.ndim != 1:
        raise ValueError(f"{name}: expected 1-D samples (n,), got shape {x.shape}; pass one lead, "
                         "e.g. signal[0] of a (12, n) record")
    if not np.issubdtype(x.dtype, np.number):
        raise ValueError(f"{name}: expected numeric samples, got dtype {x.dtype}")
    return x


def check_millivolts(x: np.ndarray, name: str = "signal") -> None:
    """``ValueError`` if ``x`` (finite) cannot be an ECG in millivolts: the 99th percentile of
    |x − median| above 20 (µV or raw ADC counts passed as mV give outputs 1000× too large)."""
    if x.size == 0:
        return
    p99 = float(np.percentile(np.abs(x - np.median(x)), 99))
    if p99 > 20:
        hint = (" (looks like µV: divide by 1000, or pass units='uV' / --units uV)" if p99 < 20000
                else " (looks like raw ADC counts: divide by the gain)")
        raise ValueError(f"{name}: amplitudes up to {p99:.0f} are implausible for millivolts{hint}")


MAX_OUTPUT_MV = 20.0
"""No ECG lead reaches this many millivolts; a model answering more is broken (corrupt weights), not informative."""


def check_model_output(y: np.ndarray, units: str, source: str) -> None:
    """``ValueError`` naming ``source`` if a model's output is not finite, or (in mV) beyond ±:data:`MAX_OUTPUT_MV`:
    garbage is refused, never returned."""
    y = np.asarray(y)
    if not np.all(np.isfinite(y)):
        raise ValueError(f"{source} answered NaN or inf: its weights are corrupt (restore the model file) or the "
                         "input is far outside what it was trained on")
    peak = float(np.max(np.abs(y))) if y.size else 0.0
    if units == "mV" and peak > MAX_OUTPUT_MV:
        raise ValueError(f"{source} answered {peak:.3g} mV, beyond any ECG (> {MAX_OUTPUT_MV:g} mV): its weights are "
                         "corrupt or the input is far outside what it was trained on; the output is refused")


@lru_cache(maxsize=32)
def bandpass_sos(low_hz: float, high_hz: float, fs: float, order: int = 2) -> np.ndarray:
    """Butterworth band-pass as second-order sections (order per edge; ``high_hz`` ≥ Nyquist → high-pass)."""
    nyq = fs / 2.0
    if not 0 < low_hz < nyq:
        raise ValueError(f"low cut-off {low_hz} Hz must be in (0, {nyq}) Hz at fs={fs} Hz")
    if high_hz >= nyq * 0.999:
        return sps.butter(order, low_hz, btype="highpass", fs=fs, output="sos")
    return sps.butter(order, [low_hz, high_hz], btype="bandpass", fs=fs, output="sos")


def bandpass(x: np.ndarray, fs: float, low_hz: float = 0.05, high_hz: float = 150.0, order: int = 2) -> np.ndarray:
    """Zero-phase Butterworth band-pass along the last axis (``sosfiltfilt``)."""
    return sps.sosfiltfilt(bandpass_sos(low_hz, high_hz, fs, order), x, axis=-1)


def resample(x: np.ndarray, fs_in: float, fs_out: float) -> np.ndarray:
    """Polyphase resampling along the last axis (``resample_poly``), ``fs_in`` → ``fs_out`` Hz."""
    if np.isclose(fs_in, fs_out):
        return np.asarray(x, dtype=np.float64)
    ratio = Fraction(fs_out / fs_in).limit_denominator(1000)
    return sps.resample_poly(x, ratio.numerator, ratio.denominator, axis=-1)


def bandpass_resample(x: np.ndarray, fs: float, band_hz: tuple[float, float], fs_out: float,
                      order: int = 4) -> np.ndarray:
    """Zero-phase band-pass at the signal's own rate ``fs`` (upper edge capped at 0.45·fs), then
    :func:`resample` to ``fs_out``: the shared path of the segment cache, the 1-D U-Net and the
    reconstruction evaluation. (…, n) → (…, m) float64."""
    x = bandpass(np.asarray(x, np.float64), fs, band_hz[0], min(band_hz[1], 0.45 * fs), order=order)
    return resample(x, fs, fs_out)


def resample_poly_filter(up: int, down: int) -> np.ndarray:
    """The anti-aliasing FIR that ``scipy.signal.resample_poly(x, up, down)`` uses (Kaiser β = 5).

    ``firwin(2·10·max(up, down) + 1, 1 / max(up, down), window=("kaiser", 5.0)) · up`` — exported
    in model metadata so that other implementations (the Android Java core) filter identically.
    """
    g = np.gcd(up, down)
    up, down = up // g, down // g
    max_rate = max(up, down)
    half_len = 10 * max_rate
    return sps.firwin(2 * half_len + 1, 1.0 / max_rate, window=("kaiser", 5.0)) * up


def downsample(x: np.ndarray, factor: int) -> np.ndarray:
    """Integer-factor decimation with the same anti-aliasing FIR as :func:`resample`."""
    return sps.resample_poly(x, 1, factor, axis=-1)


def minmax_scale(x: np.ndarray, axis: int = -1):
    """Min-max each row to [-1, 1]; returns ``(scaled, scale, offset)`` with ``x = scaled·scale + offset``."""
    lo = x.min(axis=axis, keepdims=True)
    hi = x.max(axis=axis, keepdims=True)
    scale = (hi - lo) / 2.0
    offset = (hi + lo) / 2.0
    if np.any(scale <= 0):
        raise ValueError("cannot min-max scale a flat lead (max == min)")
    return (x - offset) / scale, np.squeeze(scale, axis), np.squeeze(offset, axis)
