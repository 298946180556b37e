"""EKGAN's raw live stream (the algorithm of the Android ``org.ecgtf.core.StreamingReconstructor``).

A continuous Lead I stream at the model's raw rate (500 Hz) is cut into windows of 4,096 samples
every ``hop`` samples (default 2,048: 50 % overlap). Each window is preprocessed like a record
(without the 1 s crop), run through the model (any callable ``(512,) → (12, 512)``), and the
outputs (62.5 Hz) are stitched by the weighted overlap-add of :mod:`ecgtf.windows`. For any model and
any rate use :meth:`ecgtf.Reconstructor.stream`.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ecgtf.preprocessing.signal import one_lead, resample
from ecgtf.windows import OverlapAdd, check_fs

from .preprocessing import EkganPreprocessing, preprocess_window


class StreamingReconstructor:
    """``push(samples)`` returns newly final 12-lead samples ``(12, k)``; ``flush()`` returns the rest.

    ``fs``: the stream's rate (default the model's, 500 Hz); another rate works when a window and the
    hop are whole numbers of input samples (250 Hz: 2,048 and 1,024), each window being resampled to
    the model's rate; for any rate use :meth:`ecgtf.Reconstructor.stream`. Bad stretches never break
    the stream: a window with NaN/inf samples, a flat lead (electrode off), that the preprocessing or the
    model cannot handle is skipped with its reason in ``events`` ([(window, reason)]); output samples
    no valid window covers are NaN; later windows are processed normally. Memory stays bounded (one
    window of input, one of output).
    """

    def __init__(self, model: Callable[[np.ndarray], np.ndarray], cfg: EkganPreprocessing = EkganPreprocessing(),
                 hop: int = 2048, fs: float | None = None):
        if hop <= 0 or hop > cfg.n_keep or hop % cfg.downsample_factor:
            raise ValueError(f"hop must be in (0, {cfg.n_keep}] and a multiple of {cfg.downsample_factor}, got {hop}")
        self.fs = cfg.fs if fs is None else check_fs(fs)
        ratio = self.fs / cfg.fs
        self.window_in, self.hop_in = cfg.n_keep * ratio, hop * ratio
        if abs(self.window_in - round(self.window_in)) > 1e-9 or abs(self.hop_in - round(self.hop_in)) > 1e-9:
            raise ValueError(f"at {self.fs:g} Hz a window ({cfg.n_keep} samples at {cfg.fs:g} Hz) is "
                             f"{self.window_in:g} input samples, not a whole number; use "
                             "ecgtf.Reconstructor.stream(fs), which takes any rate")
        self.window_in, self.hop_in = int(round(self.window_in)), int(round(self.hop_in))
        self.model, self.cfg, self.hop = model, cfg, hop
        self.hop_out = hop // cfg.downsample_factor
        self.out = OverlapAdd(cfg.n_out)
        self.buffer = np.zeros(0)
        self.windows = 0          # windows processed
        self.events: list[tuple[int, str]] = []

    def _model_output(self, raw: np.ndarray):
        """(12, n_out) model output for one raw window, or a reason why it has none."""
        if not np.all(np.isfinite(raw)):
            return None, f"non-finite: {int(np.sum(~np.isfinite(raw)))} NaN/inf samples"
        if self.fs != self.cfg.fs:
            raw = resample(raw, self.fs, self.cfg.fs)[:self.cfg.n_keep]
        try:
            x, scale, offset = preprocess_window(raw[None, :], self.cfg)
        except ValueError as exc:                    # e.g. a flat lead cannot be min-max scaled
            return None, f"preprocessing: {exc}"
        y = np.asarray(self.model(x[0]), dtype=np.float64)
        if y.shape != (12, self.cfg.n_out):
            raise ValueError(f"model returned shape {y.shape}, expected (12, {self.cfg.n_out})")
        if not np.all(np.isfinite(y)):
            return None, "model produced non-finite output"
        return y, ""

    def _process_window(self, raw: np.ndarray) -> None:
        y, reason = self._model_output(raw)
        if y is None:
            self.events.append((self.windows, reason))
        self.out.add(self.windows * self.hop_out, y)
        self.windows += 1

    def push(self, samples) -> np.ndarray:
        samples = one_lead(samples, "stream (Lead I)").astype(np.float64)
        self.buffer = np.concatenate([self.buffer, samples])
        while self.buffer.size >= self.window_in:
            self._process_window(self.buffer[:self.window_in])
            self.buffer = self.buffer[self.hop_in:]
        final = self.windows * self.hop_out - self.out.emitted  # covered by no future window
        return self.out.take(final)[0]

    def flush(self) -> np.ndarray:
        """All remaining covered output (the tail shorter than a window is not reconstructed)."""
        return self.out.take(self.out.held)[0]
