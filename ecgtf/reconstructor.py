"""Lead I → 12-lead reconstruction for users: one object for a run, a shipped preset or a .tflite file.

    import ecgtf
    rec = ecgtf.Reconstructor.from_preset("unet1d_12lead")          # or .from_run(dir) / .from_tflite(file)
    out = rec.reconstruct(lead_i_mv, fs=250)                         # any length ≥ one window, any rate
    out.leads                                                        # (12, n) in mV at 250 Hz, I … V6
    out.plot("ecg.png")
    rec = ecgtf.Reconstructor.from_preset("unet1d_12lead", denoise="wavelet")   # denoise Lead I first

``denoise`` (any constructor, or the attribute ``denoiser``): ``None`` (default), ``"bandpass"``,
``"wavelet"``, a denoiser run directory or ``.tflite`` (see :class:`ecgtf.Denoiser`). It runs on
Lead I at the input rate before the model's own preparation, in :meth:`Reconstructor.reconstruct` and
in the live stream alike.

A recording is prepared as the model was trained (resampled, filtered), cut into overlapping
windows, reconstructed window by window, stitched with the weighted overlap-add of
:mod:`ecgtf.streaming` (``w[n] = sin²(π (n + ½) / N)``), and resampled back to the input rate.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from ecgtf.leads import LEADS


@dataclass
class Reconstruction:
    """A reconstructed 12-lead recording."""

    leads: np.ndarray
    """(12, n) at ``fs``, canonical lead order."""
    fs: float
    units: str
    lead_i: np.ndarray
    """The input Lead I (n,) as given."""
    windows: int = 0
    model: str = ""
    lead_names: tuple[str, ...] = LEADS
    info: dict = field(default_factory=dict)

    def plot(self, path: str | Path | None = None, title: str | None = None):
        """Standard 12-lead paper layout (3×4 + lead-II rhythm strip); returns the figure."""
        from ecgtf.plots import plot_12lead

        title = title or f"12 leads reconstructed from Lead I by {self.model} ({self.units})"
        return plot_12lead(self.leads, self.fs, path, title=title)

    def to_csv(self, path: str | Path) -> Path:
        """CSV with a time column (s) and one column per lead (written atomically)."""
        path = Path(path)
        t = np.arange(self.leads.shape[1]) / self.fs
        header = "time_s," + ",".join(f"{n}_{self.units}" for n in self.lead_names)
        from ecgtf.runs import atomic_write

        atomic_write(path, lambda fh: np.savetxt(fh, np.column_stack([t, self.leads.T]), delimiter=",",
                                                 header=header, comments="", fmt="%.6g"))
        return path

    def to_npz(self, path: str | Path) -> Path:
        """NPZ with leads, fs, units, lead names and the input (written atomically)."""
        path = Path(path)
        from ecgtf.runs import atomic_write

        atomic_write(path, lambda fh: np.savez_compressed(
            fh, leads=self.leads.astype(np.float32), fs=self.fs, units=self.units,
            lead_names=np.array(self.lead_names), lead_i=self.lead_i.astype(np.float32)), mode="wb")
        return path

    def to_wfdb(self, path: str | Path) -> Path:
        """A WFDB record (``.hea`` + ``.dat``, format 16) named after ``path`` without extension."""
        import wfdb

        path = Path(path).with_suffix("")
        path.parent.mkdir(parents=True, exist_ok=True)
        import os
        import shutil
        import tempfile

        units = "mV" if self.units == "mV" else "NU"
        tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}."))
        try:  # written into a temporary folder, then both files renamed into place
            wfdb.wrsamp(path.name, fs=self.fs, units=[units] * 12, sig_name=list(self.lead_names),
                        p_signal=self.leads.T.astype(np.float64), fmt=["16"] * 12, write_dir=str(tmp),
                        comments=[f"reconstructed from Lead I by {self.model} (ecgtf)"])
            for ext in (".dat", ".hea"):
                os.replace(tmp / (path.name + ext), path.with_suffix(ext))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return path.with_suffix(".hea")


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

    @property
    def min_seconds(self) -> float:
        return self.window_in / self.fs_in


def _overlap_add(outputs: np.ndarray, starts_out: list[int], n_out: int) -> np.ndarray:
    from ecgtf.streaming import overlap_weights

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


class Reconstructor:
    """Reconstructs 12 leads from Lead I with a trained model (Keras or TFLite)."""

    def __init__(self, pipeline: WindowPipeline, name: str, source: str = "", run=None, tflite: Path | None = None,
                 denoise=None):
        self.base_pipeline, self.name, self.source, self.run, self.tflite = pipeline, name, source, run, tflite
        self.denoiser = denoise

    def __repr__(self) -> str:
        extra = f", denoise={self.denoiser.name!r}" if self.denoiser is not None else ""
        return f"Reconstructor({self.name!r}, units={self.pipeline.units!r}{extra}, from {self.source})"

    @property
    def denoiser(self):
        """The :class:`ecgtf.Denoiser` applied to Lead I first, or ``None``."""
        return self._denoiser

    @denoiser.setter
    def denoiser(self, spec) -> None:
        from ecgtf.denoising import Denoiser

        self._denoiser = Denoiser.get(spec)

    @property
    def pipeline(self) -> WindowPipeline:
        """The model's :class:`WindowPipeline`, with the denoiser (if any) in front of its ``prepare``."""
        base, den = self.base_pipeline, self._denoiser
        if den is None:
            return base
        from dataclasses import replace

        return replace(base, prepare=lambda x, fs: base.prepare(den.fn(np.asarray(x, np.float64), fs), fs))

    # -- constructors ---------------------------------------------------------------------------------
    @classmethod
    def from_run(cls, run, weights: str = "best", denoise=None) -> "Reconstructor":
        """From a run directory (or :class:`ecgtf.runs.Run`); ``weights="best"`` falls back to final."""
        from ecgtf.runs import Run

        run = run if isinstance(run, Run) else Run(run)
        if run.spec.task != "reconstruction":
            raise ValueError(f"{run.path} is a {run.model} run ({run.spec.task}), not a Lead I → 12-lead model")
        try:
            gen = run.generator(weights)
        except FileNotFoundError:
            if weights != "best":
                raise
            gen = run.generator("final")

        if run.model == "ekgan":
            from ecgtf.models.ekgan.preprocessing import leads_from_model, model_input
            from ecgtf.models.ekgan.trainer import predict

            def keras_fn(x):
                return leads_from_model(predict(gen, model_input(x, run.preprocessing)), run.preprocessing)
        else:
            from ecgtf.backend import tf

            graph = tf.function(lambda w: gen(w, training=False)["leads"], reduce_retracing=True)

            def keras_fn(x):
                return _batched(graph, x)
        return cls(_pipeline(run.model, run.preprocessing, keras_fn), f"{run.model} ({run.path.name})",
                   f"run {run.path}", run=run, denoise=denoise)

    @classmethod
    def from_preset(cls, name: str, weights: str = "best", denoise=None) -> "Reconstructor":
        """A trained model shipped with ecgtf (see :func:`ecgtf.presets.list_presets`)."""
        from ecgtf.presets import preset_dir

        rec = cls.from_run(preset_dir(name), weights=weights, denoise=denoise)
        rec.name, rec.source = name, f"preset {name}"
        return rec

    @classmethod
    def from_tflite(cls, path: str | Path, threads: int = 1, denoise=None) -> "Reconstructor":
        """From an exported ``.tflite`` with its metadata ``.json`` beside it (LiteRT interpreter)."""
        from ai_edge_litert.interpreter import Interpreter

        from ecgtf.runs import config_from_dict

        path = Path(path)
        meta_path = path.with_suffix(".json")
        if not path.exists():
            raise FileNotFoundError(f"{path} not found")
        if not meta_path.exists():
            raise FileNotFoundError(f"{meta_path} not found: ecgtf needs the metadata written next to the .tflite "
                                    "by `ecgtf export` (preprocessing, rates, units)")
        meta = read_tflite_metadata(path)
        model = meta.get("model")
        if model not in ("ekgan", "unet1d"):
            raise ValueError(f"{path}: model {model!r} is not a Lead I → 12-lead reconstructor")
        from ecgtf.models import get_model_spec

        pre = config_from_dict(get_model_spec(model).preprocessing, meta["preprocessing_config"], str(meta_path))
        interp = Interpreter(model_path=str(path), num_threads=threads)
        interp.allocate_tensors()
        runner = interp.get_signature_runner()
        iname, oname = meta["inputs"][0]["name"], meta["outputs"][0]["name"]

        def tflite_fn(x):
            return np.stack([runner(**{iname: w[None].astype(np.float32)})[oname][0] for w in x])
        return cls(_pipeline(model, pre, tflite_fn), f"{model} {meta.get('format', '')} ({path.name})",
                   f"file {path}", tflite=path, denoise=denoise)

    # -- use ------------------------------------------------------------------------------------------
    @property
    def units(self) -> str:
        return self.pipeline.units

    def reconstruct(self, lead_i, fs: float, confidence: bool = False) -> Reconstruction:
        """Lead I ``(n,)`` at ``fs`` Hz (mV) → :class:`Reconstruction` with 12 leads at ``fs``.

        Any rate (resampled to the model's and back) and any length of at least one window
        (:attr:`WindowPipeline.min_seconds`); longer recordings are windowed and stitched.
        Raises ``ValueError`` saying what was expected for bad input.

        ``confidence=True`` also reconstructs on a second window grid shifted by half a hop and
        stores, per lead, the RMS difference of the two reconstructions (``info["uncertainty"]``, in
        the output units: where the model's answer depends on where the window falls, it is unsure)
        and ``info["confidence"]`` = exp(−uncertainty / std of the lead) in (0, 1]; the leads are then
        the mean of both grids. Twice the compute.
        """
        from ecgtf.preprocessing.signal import check_millivolts, one_lead, resample, validate_signal

        fs = _check_fs(fs)
        x = one_lead(lead_i)
        p = self.pipeline
        x = validate_signal(x, name="Lead I", min_samples=int(np.ceil(p.min_seconds * fs)), fs=fs)
        check_millivolts(x, "Lead I")
        xm = p.prepare(x, fs)
        n = xm.shape[-1]
        if n < p.window_in:  # rounding at odd rates
            xm = np.pad(xm, (0, p.window_in - n), mode="edge")
            n = p.window_in
        ratio = p.window_in // p.window_out
        n_out = int(round(n * p.fs_out / p.fs_in))
        grids = [0] + ([(p.hop_in // 2 // ratio) * ratio] if confidence else [])
        stitched, count = [], 0
        for offset in grids:
            starts = sorted({0, *range(offset, n - p.window_in + 1, p.hop_in), ((n - p.window_in) // ratio) * ratio})
            windows = np.stack([xm[s:s + p.window_in] for s in starts])
            outputs = np.asarray(p.run_windows(windows), np.float64)
            stitched.append(_overlap_add(outputs, [s // ratio for s in starts], n_out))
            count += len(starts)
        info = {}
        if confidence:
            diff = stitched[0] - stitched[1]
            unc = np.sqrt(np.mean(diff ** 2, axis=-1)) / 2.0      # RMS of each grid's deviation from the mean
            mean = (stitched[0] + stitched[1]) / 2.0
            info = {"uncertainty": unc.astype(np.float32),
                    "confidence": np.exp(-unc / np.maximum(mean.std(-1), 1e-6)).astype(np.float32)}
            stitched = [mean]
        leads = resample(stitched[0], p.fs_out, fs)
        m = x.shape[0]
        leads = leads[:, :m] if leads.shape[1] >= m else np.pad(leads, ((0, 0), (0, m - leads.shape[1])), mode="edge")
        return Reconstruction(leads.astype(np.float32), fs, p.units, x, count, self.name, info=info)

    def stream(self, fs: float, **kw):
        """A live :class:`ecgtf.streaming.ReconstructionStream` for Lead I arriving at ``fs`` Hz."""
        from ecgtf.streaming import ReconstructionStream

        return ReconstructionStream(self, fs, **kw)

    def plot(self, lead_i, fs: float, path: str | Path | None = None, title: str | None = None):
        """Reconstruct and draw the 12-lead paper plot; returns the :class:`Reconstruction`."""
        out = self.reconstruct(lead_i, fs)
        out.plot(path, title)
        return out

    def export(self, formats=("float32", "int8"), out: str | Path | None = None, **kw) -> list[dict]:
        """Export the underlying run to validated TFLite files (see :func:`export.engine.export_run`)."""
        if self.run is None:
            raise ValueError("only a Reconstructor from a run or preset can be exported (this one is a .tflite)")
        from export.engine import export_run

        return export_run(self.run, formats, out, **kw)

    def benchmark(self, lead_i=None, fs: float = 500.0, seconds: float = 60.0, repeats: int = 5) -> dict:
        """Wall time of :meth:`reconstruct` on a recording (default: 60 s of synthetic Lead I).

        Returns seconds per call (median), the real-time factor (recording seconds per compute
        second) and windows per call. Timings drift on shared machines: compare side by side.
        """
        import time

        if lead_i is None:
            from ecgtf.data.synthetic import SyntheticConfig, generate_record

            rec = generate_record(SyntheticConfig(duration_s=seconds), seed=0)
            lead_i, fs = rec.signal[0], rec.fs
        self.reconstruct(lead_i, fs)  # warm-up
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            out = self.reconstruct(lead_i, fs)
            times.append(time.perf_counter() - t)
        sec = float(np.median(times))
        return {"seconds_per_call": sec, "recording_seconds": len(lead_i) / fs,
                "real_time_factor": len(lead_i) / fs / sec, "windows": out.windows}


def _batched(graph, x: np.ndarray, batch: int = 64) -> np.ndarray:
    """``graph`` (a ``tf.function``) over ``x`` in batches padded to a power of two (≤ ``batch``), so it
    is traced a few times only (eager Keras calls are several times slower on small windows)."""
    out = []
    for i in range(0, len(x), batch):
        chunk = np.asarray(x[i:i + batch], np.float32)
        pad = min(batch, 1 << (len(chunk) - 1).bit_length()) - len(chunk)
        y = graph(np.pad(chunk, ((0, pad),) + ((0, 0),) * (chunk.ndim - 1))).numpy()
        out.append(y[:len(chunk)])
    return np.concatenate(out)


def read_tflite_metadata(path: str | Path) -> dict:
    """The metadata ``.json`` beside an exported ``.tflite``, after checking the file is the one it
    describes (SHA-256): a ``.tflite`` of another export or a corrupt copy is refused with a message."""
    import hashlib

    path = Path(path)
    meta_path = path.with_suffix(".json")
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError) as exc:
        raise ValueError(f"{meta_path}: unreadable metadata ({exc}); re-export with `ecgtf export`") from None
    if not isinstance(meta, dict):
        raise ValueError(f"{meta_path}: expected a JSON object written by `ecgtf export`")
    want = meta.get("sha256")
    if want:
        got = hashlib.sha256(path.read_bytes()).hexdigest()
        if got != want:
            raise ValueError(f"{path}: SHA-256 {got[:12]}… does not match its metadata {meta_path.name} "
                             f"({want[:12]}…): the file is corrupt or from another export")
    return meta


def _check_fs(fs) -> float:
    if isinstance(fs, bool) or not isinstance(fs, (int, float, np.integer, np.floating)):
        raise ValueError(f"sampling rate: expected a number in Hz, got {fs!r} ({type(fs).__name__})")
    fs = float(fs)
    if not np.isfinite(fs) or fs < 50 or fs > 20000:
        raise ValueError(f"sampling rate: expected 50–20000 Hz, got {fs:g}")
    return fs


def _pipeline(model: str, pre, run_model: Callable[[np.ndarray], np.ndarray]) -> WindowPipeline:
    from ecgtf.preprocessing.signal import resample

    if model == "unet1d":
        from ecgtf.models.unet1d.preprocessing import prepare_lead

        return WindowPipeline(pre.fs, pre.window, pre.hop, pre.fs, pre.window, "mV",
                              lambda x, fs: prepare_lead(x, fs, pre), run_model)
    if model == "ekgan":
        from ecgtf.models.ekgan.preprocessing import preprocess_window

        units = "mV" if pre.normalization == "fixed" else "lead-I-scaled"

        def run_windows(windows):
            xs, scales, offsets = [], [], []
            for w in windows:
                x, sc, off = preprocess_window(w[None], pre)
                xs.append(x[0])
                scales.append(sc[0])
                offsets.append(off[0])
            y = run_model(np.stack(xs))
            # fixed: scale is the known constant (mV); per-lead: every lead gets Lead I's scale (the true
            # per-lead amplitudes are unknown on a device that records only Lead I)
            return y * np.asarray(scales)[:, None, None]
        return WindowPipeline(pre.fs, pre.n_keep, pre.n_keep // 2, pre.fs_out, pre.n_out, units,
                              lambda x, fs: resample(x, fs, pre.fs), run_windows, native_fs=pre.fs)
    raise ValueError(f"no reconstruction pipeline for model {model!r}")
