"""Preprocessing of the 1-D U-Net reconstructor: band-pass, 100 Hz, windows normalised by Lead I.

A Lead I recording at any rate ``fs``:
  1. band-pass 0.5–40 Hz (Butterworth, order 4 per edge, zero-phase ``sosfiltfilt``) at ``fs``
     (the band of the z-scored PTB-XL records, so every training source shares it);
  2. resample to 100 Hz (``resample_poly``); nothing above 40 Hz is lost;
  3. cut windows of 512 samples (5.12 s) every 256 samples; the network normalises each window by
     Lead I's own standard deviation inside the graph, so its input and output are millivolts.

Training targets per window: each lead z-scored over the window (the shape, learnable from
z-unit records too) and ``log(std_lead / std_I)`` (the amplitude, from millivolt records only).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ecgtf.preprocessing.signal import bandpass_resample, validate_signal


@dataclass(frozen=True)
class Unet1dPreprocessing:
    """Signal path of the 1-D U-Net reconstructor (all rates in Hz)."""

    fs: float = 100.0
    """Sampling rate of the model's time axis."""
    band_hz: tuple[float, float] = (0.5, 40.0)
    filter_order: int = 4
    window: int = 512
    """Samples per model window at ``fs`` (5.12 s)."""
    hop: int = 256
    """Window step for long recordings (50 % overlap, stitched by weighted overlap-add)."""
    min_std_mv: float = 0.005
    """Leads with a smaller std in a window are treated as flat (no target, no amplitude)."""

    @property
    def window_s(self) -> float:
        return self.window / self.fs

    def to_dict(self) -> dict:
        return asdict(self)


def prepare_lead(signal: np.ndarray, fs: float, cfg: Unet1dPreprocessing = Unet1dPreprocessing()) -> np.ndarray:
    """Band-pass at ``fs`` and resample to ``cfg.fs``: (…, n) → (…, m) float32 (units unchanged)."""
    x = validate_signal(signal, name="ECG", fs=fs) if np.ndim(signal) <= 2 else signal
    return bandpass_resample(x, fs, cfg.band_hz, cfg.fs, cfg.filter_order).astype(np.float32)


def window_targets(x: np.ndarray, cfg: Unet1dPreprocessing = Unet1dPreprocessing()):
    """Windows (B, 12, W) → (lead I (B, W), shape (B, W, 12), log gain (B, 12), valid leads (B, 12)).

    shape = (lead − mean) / std per lead; log gain = log(std_lead / std_I); a lead is valid when its
    std and Lead I's are above ``cfg.min_std_mv`` (in z-unit windows std ≈ 1, always valid).
    """
    x = np.asarray(x, np.float32)
    mean = x.mean(axis=-1, keepdims=True)
    std = x.std(axis=-1, keepdims=True)
    valid = (std[..., 0] > cfg.min_std_mv) & (std[:, :1, 0] > cfg.min_std_mv)
    safe = np.maximum(std, cfg.min_std_mv)
    shape = ((x - mean) / safe).transpose(0, 2, 1)
    log_gain = np.log(safe[..., 0] / safe[:, :1, 0])
    return x[:, 0], shape.astype(np.float32), log_gain.astype(np.float32), valid
