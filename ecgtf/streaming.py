"""Live Lead I → 12-lead reconstruction for any :class:`ecgtf.Reconstructor` (the phone's live path).

Lead I arrives in chunks; windows are cut on the model's grid (:class:`ecgtf.windows.WindowPipeline`), each
window is checked by the quality gate and run through the model, and the outputs are stitched by the weighted
overlap-add of :mod:`ecgtf.windows` (an output sample is final once no later window covers it). The Android
Java core (``org.ecgtf.core``) implements the same algorithm and is tested against this one on golden vectors.
"""
from __future__ import annotations

import numpy as np

from ecgtf.intervals import DEFAULT_COVERAGE, StreamBands
from ecgtf.preprocessing.signal import check_model_output, one_lead
from ecgtf.quality import QualityThresholds, assess
from ecgtf.windows import OverlapAdd, check_fs


class StreamChunk:
    """Newly final output of a :class:`ReconstructionStream`: ``leads`` (12, k) at ``fs`` (NaN where no
    valid window covered a sample), ``valid`` (k,), ``start`` (index of the first sample since the stream
    began), ``events`` [(window index, reason)] for windows refused since the last chunk, and with a calibrated
    model the band ``lower``/``upper`` (12, k) mV at ``coverage`` (:class:`ecgtf.intervals.StreamBands`; else
    ``None``)."""

    __slots__ = ("leads", "valid", "start", "fs", "events", "lower", "upper", "coverage")

    def __init__(self, leads, valid, start: int, fs: float, events: list, lower=None, upper=None, coverage=None):
        self.leads, self.valid, self.start, self.fs, self.events = leads, valid, start, fs, events
        self.lower, self.upper, self.coverage = lower, upper, coverage

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

    With an interval calibration (``reconstructor.intervals``) every chunk carries its band at ``coverage``
    (default 0.8; ``None``: no band), computed from the output so far (:class:`ecgtf.intervals.StreamBands`).
    """

    def __init__(self, reconstructor, fs: float, margin_s: float = 1.0, quality=None,
                 coverage: float | None = DEFAULT_COVERAGE):
        self.fs = check_fs(fs)
        if isinstance(margin_s, bool) or not isinstance(margin_s, (int, float)) or not 0 <= margin_s <= 60:
            raise ValueError(f"margin_s: expected seconds in [0, 60], got {margin_s!r}")
        if quality is not None and not isinstance(quality, QualityThresholds):
            raise TypeError(f"quality: expected ecgtf.quality.QualityThresholds or None, got {type(quality).__name__}")
        self.closed = False
        self.p = p = reconstructor.pipeline
        self.run_windows = p.run
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
        calibration = getattr(reconstructor, "intervals", None)
        self.bands = None
        if calibration is not None and coverage is not None and self.p.units == "mV":
            key = calibration.key_for(("I",), getattr(reconstructor, "personal", False))
            self.bands = StreamBands(calibration, self.p.fs_out, [0], key, coverage)   # checks the coverage

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
        band = self.bands.next(leads) if self.bands is not None else (None, None)
        chunk = StreamChunk(leads.astype(np.float32), valid, start, self.fs_out, self.events, *band,
                            self.bands.coverage if self.bands is not None else None)
        self.events = []
        return chunk

    def push(self, samples) -> StreamChunk:
        """Reconstruct what the new samples complete; returns the finished part (may be empty)."""
        if self.closed:
            raise ValueError("this stream was flushed (its last window was emitted half-covered); start a new one "
                             "with reconstructor.stream(fs) for more samples")
        x = one_lead(samples, "stream (Lead I)")
        self.buffer = np.concatenate([self.buffer, x.astype(np.float64)])
        self.received += x.size
        while self._window_span(self.windows)[3] <= self.received:
            k = self.windows
            w, reason = self._model_window(k)
            y = None
            if w is not None:
                y = np.asarray(self.run_windows(w[None]), np.float64)[0]
                try:
                    check_model_output(y, self.p.units, "the model")
                except ValueError as exc:
                    y, reason = None, str(exc)
                if y is not None and self.p.units == "mV" and y.shape[-1] == w.size:
                    y[0] = w           # Lead I, the given lead, as the model saw it (an any-leads net's own is untrained)
            if reason:
                self.events.append((k, reason))
            self.out.add(k * self.p.hop_in // self.ratio, y)
            self.windows += 1
            drop = self._window_span(self.windows)[2] - self.buffer_start
            if drop > 0:
                self.buffer, self.buffer_start = self.buffer[drop:], self.buffer_start + drop
        return self._take(self.windows * self.p.hop_in // self.ratio - self.out.emitted)

    def flush(self) -> StreamChunk:
        """Everything covered so far (the tail shorter than a window is not reconstructed). Ends the stream:
        :meth:`push` afterwards raises ``ValueError``."""
        self.closed = True
        return self._take(self.out.held)
