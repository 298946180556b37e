"""How a window model sees a recording, and the weighted overlap-add that stitches its windows back.

A recording is cut into overlapping windows (:class:`WindowPipeline`: rate, window and hop at the model's
input and output), each window is run through the model, and the outputs are stitched by weighted
overlap-add with ``w[n] = sin²(π (n + ½) / N)``: ``y[t] = Σ_k w_k[t] y_k[t] / Σ_k w_k[t]``
(:func:`overlap_add` for a whole recording, :class:`OverlapAdd` for a live stream). The Android Java
core implements the same stitching and is tested against this one on golden vectors.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


def check_fs(fs) -> float:
    if isinstance(fs, bool) or not isinstance(fs, (int, float, np.integer, np.floating)):
        raise ValueError(f"sampling rate: expected a number in Hz, got {fs!r} ({type(fs).__name__})")
    fs = float(fs)
    if not np.isfinite(fs) or fs < 50 or fs > 20000:
        raise ValueError(f"sampling rate: expected 50–20000 Hz, got {fs:g}")
    return fs


def overlap_weights(n: int) -> np.ndarray:
    return np.sin(np.pi * (np.arange(n) + 0.5) / n) ** 2


class OverlapAdd:
    """The stitching both streams share: windows (12, N) added at absolute output positions with the
    weights :func:`overlap_weights`; :meth:`take` hands out the first samples, normalised, NaN where
    no window contributed (``valid`` False). Holds only samples not yet taken."""

    def __init__(self, n: int, channels: int = 12):
        self.weights = overlap_weights(n)
        self.acc = np.zeros((channels, 0))
        self.wsum = np.zeros(0)
        self.emitted = 0          # output samples already taken

    def add(self, start: int, y: np.ndarray | None) -> None:
        """Window output ``y`` (12, N) starting at absolute output sample ``start``; ``None`` (a skipped
        window) only reserves its span."""
        s = start - self.emitted
        e = s + self.weights.size
        if e > self.wsum.size:
            grow = e - self.wsum.size
            self.acc = np.concatenate([self.acc, np.zeros((self.acc.shape[0], grow))], axis=1)
            self.wsum = np.concatenate([self.wsum, np.zeros(grow)])
        if y is not None:
            self.acc[:, s:e] += self.weights * y
            self.wsum[s:e] += self.weights

    def take(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The next ``n`` samples (clipped to what is held): (leads (12, n), valid (n,))."""
        n = max(0, min(n, self.wsum.size))
        w = self.wsum[:n]
        valid = w > 0
        out = np.full((self.acc.shape[0], n), np.nan)
        out[:, valid] = self.acc[:, :n][:, valid] / w[valid]
        self.acc, self.wsum = self.acc[:, n:], self.wsum[n:]
        self.emitted += n
        return out, valid

    @property
    def held(self) -> int:
        return self.wsum.size


@dataclass(frozen=True)
class WindowPipeline:
    """How a model sees a recording: rate, window and hop at the model's input and output rates."""

    fs_in: float
    """Rate at which Lead I is cut into windows (Hz)."""
    window_in: int
    hop_in: int
    fs_out: float
    window_out: int
    units: str
    prepare: Callable[[np.ndarray, float], np.ndarray]
    """(lead I (n,), fs) → lead I at ``fs_in`` (filtered as in training)."""
    run_windows: Callable[[np.ndarray], np.ndarray]
    """(B, window_in) raw windows → (B, 12, window_out) in ``units``."""
    native_fs: float | None = None
    """The rate the model's training records had, if the model needs it (the CLI asks for --resample otherwise)."""
    input_leads: int = 1
    """1: ``run_windows`` takes Lead I windows (B, window_in); 12: every lead (B, 12, window_in) in canonical order,
    a row of zeros for a lead that was not recorded (Lead I, row 0, always recorded)."""

    def run(self, windows: np.ndarray) -> np.ndarray:
        """``run_windows`` on Lead I windows (B, window_in) or, for a 12-lead-input model, (B, 12, window_in)."""
        windows = np.asarray(windows, np.float32)
        if self.input_leads == 12 and windows.ndim == 2:
            full = np.zeros((windows.shape[0], 12, windows.shape[1]), np.float32)
            full[:, 0] = windows
            windows = full
        elif self.input_leads == 1 and windows.ndim == 3:
            windows = windows[:, 0]
        return self.run_windows(windows)

    @property
    def min_seconds(self) -> float:
        return self.window_in / self.fs_in


def recorded_rows(windows: np.ndarray) -> np.ndarray:
    """(B, rows, L) model windows → (B, rows) bool: the rows that hold a recorded lead (any non-zero sample; the
    convention of :attr:`WindowPipeline.input_leads`)."""
    return np.abs(windows).max(-1) > 0


def overlap_add(outputs: np.ndarray, starts_out: list[int], n_out: int) -> np.ndarray:
    w = overlap_weights(outputs.shape[-1])
    acc = np.zeros((outputs.shape[1], n_out))
    wsum = np.zeros(n_out)
    for y, s in zip(outputs, starts_out):
        end = min(n_out, s + y.shape[-1])
        acc[:, s:end] += w[:end - s] * y[:, :end - s]
        wsum[s:end] += w[:end - s]
    covered = wsum > 0
    acc[:, covered] /= wsum[covered]
    if not covered.all():  # edges not reached by any window: hold the nearest covered value
        idx = np.flatnonzero(covered)
        fill = np.interp(np.arange(n_out), idx, np.arange(idx.size)).round().astype(int)
        acc = acc[:, idx[fill]]
    return acc


def batched(graph, x: np.ndarray, batch: int = 64) -> np.ndarray:
    """``graph`` (a ``tf.function``) over ``x`` in batches padded to a power of two (≤ ``batch``), so it
    is traced a few times only (eager Keras calls are several times slower on small windows)."""
    out = []
    for i in range(0, len(x), batch):
        chunk = np.asarray(x[i:i + batch], np.float32)
        pad = min(batch, 1 << (len(chunk) - 1).bit_length()) - len(chunk)
        y = graph(np.pad(chunk, ((0, pad),) + ((0, 0),) * (chunk.ndim - 1))).numpy()
        out.append(y[:len(chunk)])
    return np.concatenate(out)
