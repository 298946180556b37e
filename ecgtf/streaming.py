"""Streaming Lead I → 12-lead reconstruction with overlapping windows (the phone's live path).

A continuous Lead I stream at the model's raw rate (500 Hz) is cut into windows of 4,096 samples
every ``hop`` samples (default 2,048: 50 % overlap). Each window is preprocessed like a record
(without the 1 s crop), run through the model (any callable ``(512,) → (12, 512)``), and the
outputs (62.5 Hz) are stitched by weighted overlap-add with the window
``w[n] = sin²(π (n + ½) / 512)``: ``y[t] = Σ_k w_k[t] y_k[t] / Σ_k w_k[t]``. An output sample is
final once no later window covers it. The Android Java core (``org.ecgtf.core.StreamingReconstructor``)
implements the same algorithm and is tested against this one on golden vectors.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ecgtf.models.ekgan.preprocessing import EkganPreprocessing, preprocess_window


def overlap_weights(n: int) -> np.ndarray:
    return np.sin(np.pi * (np.arange(n) + 0.5) / n) ** 2


class StreamingReconstructor:
    """``push(samples)`` returns newly final 12-lead samples ``(12, k)``; ``flush()`` returns the rest."""

    def __init__(self, model: Callable[[np.ndarray], np.ndarray], cfg: EkganPreprocessing = EkganPreprocessing(),
                 hop: int = 2048):
        if hop <= 0 or hop > cfg.n_keep or hop % cfg.downsample_factor:
            raise ValueError(f"hop must be in (0, {cfg.n_keep}] and a multiple of {cfg.downsample_factor}, got {hop}")
        self.model, self.cfg, self.hop = model, cfg, hop
        self.hop_out = hop // cfg.downsample_factor
        self.weights = overlap_weights(cfg.n_out)
        self.buffer = np.zeros(0)
        self.acc = np.zeros((12, 0))
        self.wsum = np.zeros(0)
        self.emitted = 0          # output samples already returned
        self.windows = 0          # windows processed

    def _process_window(self, raw: np.ndarray) -> None:
        x, scale, offset = preprocess_window(raw[None, :], self.cfg)
        y = np.asarray(self.model(x[0]), dtype=np.float64)
        if y.shape != (12, self.cfg.n_out):
            raise ValueError(f"model returned shape {y.shape}, expected (12, {self.cfg.n_out})")
        start = self.windows * self.hop_out - self.emitted
        end = start + self.cfg.n_out
        if end > self.acc.shape[1]:
            grow = end - self.acc.shape[1]
            self.acc = np.concatenate([self.acc, np.zeros((12, grow))], axis=1)
            self.wsum = np.concatenate([self.wsum, np.zeros(grow)])
        self.acc[:, start:end] += self.weights * y
        self.wsum[start:end] += self.weights
        self.windows += 1

    def _take(self, n: int) -> np.ndarray:
        out = self.acc[:, :n] / self.wsum[:n]
        self.acc, self.wsum = self.acc[:, n:], self.wsum[n:]
        self.emitted += n
        return out

    def push(self, samples) -> np.ndarray:
        samples = np.asarray(samples, dtype=np.float64).ravel()
        if not np.all(np.isfinite(samples)):
            raise ValueError("stream contains NaN or inf samples")
        self.buffer = np.concatenate([self.buffer, samples])
        while self.buffer.size >= self.cfg.n_keep:
            self._process_window(self.buffer[:self.cfg.n_keep])
            self.buffer = self.buffer[self.hop:]
        final = self.windows * self.hop_out - self.emitted  # covered by no future window
        return self._take(max(0, min(final, self.wsum.size))) if self.windows else np.zeros((12, 0))

    def flush(self) -> np.ndarray:
        """All remaining covered output (the tail shorter than a window is not reconstructed)."""
        return self._take(self.wsum.size)
