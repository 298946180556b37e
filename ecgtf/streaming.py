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
        from ecgtf.reconstructor import _check_fs

        self.fs = cfg.fs if fs is None else _check_fs(fs)
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
            from ecgtf.preprocessing.signal import resample

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
        from ecgtf.preprocessing.signal import one_lead

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


class StreamChunk:
    """Newly final output of a :class:`ReconstructionStream`: ``leads`` (12, k) at ``fs`` (NaN where no
    valid window covered a sample), ``valid`` (k,), ``start`` (index of the first sample since the stream
    began) and ``events`` [(window index, reason)] for windows refused since the last chunk."""

    __slots__ = ("leads", "valid", "start", "fs", "events")

    def __init__(self, leads, valid, start: int, fs: float, events: list):
        self.leads, self.valid, self.start, self.fs, self.events = leads, valid, start, fs, events

    def __len__(self) -> int:
        return self.leads.shape[1]

    def __repr__(self) -> str:
        return f"StreamChunk({len(self)} samples from {self.start} at {self.fs:g} Hz, {int(self.valid.sum())} valid)"


class ReconstructionStream:
    """Live Lead I → 12 leads for any :class:`ecgtf.Reconstructor` at any input rate; heals after bad input.

    ``push(samples)`` takes the next Lead I samples (1-D, mV, at ``fs``) and returns a
    :class:`StreamChunk` of the newly final output at the model's output rate. Windows are cut on the
    model's grid (its window and hop), with ``margin_s`` of context on each side for the filters, so
    output lags input by about one window plus the margin. Each window is checked with the quality
    gate (:func:`ecgtf.quality.assess`, without beat detection) before the model runs: lead-off,
    saturation, NaN/inf and implausible amplitude make that window *invalid* (its reason goes to
    ``events``); samples no valid window covers are NaN and ``valid`` False, and the stream carries on
    when good signal returns. Memory is bounded: one window plus margins of input, one window of output.
    """

    def __init__(self, reconstructor, fs: float, margin_s: float = 1.0, quality=None):
        from ecgtf.quality import QualityThresholds
        from ecgtf.reconstructor import _check_fs

        self.fs = _check_fs(fs)
        self.p = p = reconstructor.pipeline
        self.run_windows = p.run_windows
        self.thresholds = quality or QualityThresholds()
        self.ratio = p.window_in // p.window_out
        self.scale = self.fs / p.fs_in                 # input samples per model-input sample
        self.margin = int(np.ceil(margin_s * self.fs))
        self.out = OverlapAdd(p.window_out)
        self.buffer = np.zeros(0)
        self.buffer_start = 0                          # input index of buffer[0]
        self.received = 0
        self.windows = 0
        self.events: list = []

    @property
    def fs_out(self) -> float:
        return self.p.fs_out

    def _window_span(self, k: int) -> tuple[int, int, int, int]:
        """Input indices of window k: core [a, b) and with margins [lo, hi)."""
        a = int(np.floor(k * self.p.hop_in * self.scale))
        b = int(np.ceil((k * self.p.hop_in + self.p.window_in) * self.scale))
        return a, b, max(0, a - self.margin), b + self.margin

    def _model_window(self, k: int):
        """(window (window_in,) at the model's rate, None) or (None, reason)."""
        from ecgtf.quality import assess

        a, b, lo, hi = self._window_span(k)
        seg = self.buffer[lo - self.buffer_start:min(hi, self.buffer_start + self.buffer.size) - self.buffer_start]
        core = self.buffer[a - self.buffer_start:b - self.buffer_start]
        q = assess(core, self.fs, self.thresholds, beats=False)
        if q.refused:
            return None, q.reason
        if not q.ok:  # noisy: reconstructed, but flagged
            self.events.append((k, "flagged: " + q.reason))
        if not np.all(np.isfinite(seg)):  # NaN in the margins only: hold the window's median there
            seg = np.where(np.isfinite(seg), seg, np.median(core))
        xm = self.p.prepare(seg, self.fs)
        off = int(round((k * self.p.hop_in) - lo / self.scale))
        w = xm[off:off + self.p.window_in]
        if w.size < self.p.window_in:
            w = np.pad(w, (0, self.p.window_in - w.size), mode="edge")
        return w, ""

    def _take(self, n: int) -> StreamChunk:
        start = self.out.emitted
        leads, valid = self.out.take(n)
        chunk = StreamChunk(leads.astype(np.float32), valid, start, self.fs_out, self.events)
        self.events = []
        return chunk

    def push(self, samples) -> StreamChunk:
        from ecgtf.preprocessing.signal import one_lead

        x = one_lead(samples, "stream (Lead I)")
        self.buffer = np.concatenate([self.buffer, x.astype(np.float64)])
        self.received += x.size
        while self._window_span(self.windows)[3] <= self.received:
            k = self.windows
            w, reason = self._model_window(k)
            y = None
            if w is not None:
                y = np.asarray(self.run_windows(w[None]), np.float64)[0]
                if not np.all(np.isfinite(y)):
                    y, reason = None, "model produced non-finite output"
            if reason:
                self.events.append((k, reason))
            self.out.add(k * self.p.hop_in // self.ratio, y)
            self.windows += 1
            drop = self._window_span(self.windows)[2] - self.buffer_start
            if drop > 0:
                self.buffer, self.buffer_start = self.buffer[drop:], self.buffer_start + drop
        return self._take(self.windows * self.p.hop_in // self.ratio - self.out.emitted)

    def flush(self) -> StreamChunk:
        """Everything covered so far (the tail shorter than a window is not reconstructed)."""
        return self._take(self.out.held)
