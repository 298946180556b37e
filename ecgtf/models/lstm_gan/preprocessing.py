"""LSTM-GAN (ecgGAN) beat windows from LUDB, as in the original TF2 notebook.

From each record's lead (raw LUDB integers, see :mod:`ecgtf.data.ludb`): windows of 400
samples (0.8 s at 500 Hz) starting at sample 100 with a step of 100, kept when the window's
maximum lies at positions 126–249 (so the R peak sits in the first half), then divided by
:data:`ECGGAN_SCALE` = 2173 raw units. Shape out: (N, 1, 400), the generator's output layout.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

ECGGAN_SCALE = 2173.0
"""The notebook's normalisation constant, in raw LUDB units (≈2.17 mV at 1000 units/mV)."""


@dataclass(frozen=True)
class BeatWindowing:
    fs: float = 500.0
    """Sampling rate of the records and beats (Hz)."""
    window: int = 400
    start: int = 100
    step: int = 100
    peak_range: tuple[int, int] = (126, 249)
    """Inclusive positions within the window where its maximum must lie."""
    scale: float = ECGGAN_SCALE

    def to_dict(self) -> dict:
        return asdict(self)


def beat_windows(x: np.ndarray, cfg: BeatWindowing = BeatWindowing()) -> np.ndarray:
    """Windows ``(n_kept, window)`` of one 1-D signal, scaled by ``1/cfg.scale``."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"expected a 1-D signal, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("signal contains NaN or inf")
    starts = np.arange(cfg.start, x.size - cfg.window + 1, cfg.step)
    if starts.size == 0:
        return np.zeros((0, cfg.window), dtype=np.float32)
    idx = starts[:, None] + np.arange(cfg.window)[None, :]
    windows = x[idx]
    peak = windows.argmax(axis=1)
    keep = (peak >= cfg.peak_range[0]) & (peak <= cfg.peak_range[1])
    return (windows[keep] / cfg.scale).astype(np.float32)


def ludb_beat_windows(signals: np.ndarray, lead_index: int, gain: float,
                      cfg: BeatWindowing = BeatWindowing()) -> np.ndarray:
    """Windows from a stack of LUDB records ``(N, 12, n)`` in mV (converted back to raw units with ``gain``).

    Returns ``(n_windows, 1, window)`` float32 and, per window, the index of its source record.
    """
    out, src = [], []
    for i, rec in enumerate(signals):
        w = beat_windows(np.round(rec[lead_index] * gain), cfg)
        out.append(w)
        src.append(np.full(len(w), i))
    windows = np.concatenate(out)[:, None, :]
    return windows, np.concatenate(src)
