"""Lead I → 12-lead reconstruction for users: one object for a run, a shipped preset or a .tflite file.

    import ecgtf
    rec = ecgtf.Reconstructor.from_preset("unet1d_12lead")          # or .from_run(dir) / .from_tflite(file)
    out = rec.reconstruct(lead_i_mv, fs=250)                         # any length ≥ one window, any rate
    out.leads                                                        # (12, n) in mV at 250 Hz, I … V6
    out.lower, out.upper                                             # (12, n): the calibrated 80 % band per lead
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

import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from ecgtf.data.synthetic import SyntheticConfig, generate_record
from ecgtf.denoising import Denoiser
from ecgtf.intervals import DEFAULT_COVERAGE, IntervalCalibration, check_coverage, load_calibration
from ecgtf.io import to_millivolts
from ecgtf.leads import LEADS, LIMB_COORDINATES, lead_names, limb_leads_from
from ecgtf.lite import open_tflite
from ecgtf.output import Reconstruction  # noqa: F401 (re-exported: part of this module's API)
from ecgtf.personal import PersonalReconstructor, fit_profile
from ecgtf.preprocessing.signal import check_millivolts, check_model_output, one_lead, resample, validate_signal
from ecgtf.presets import list_presets, preset_dir
from ecgtf.quality import gate
from ecgtf.runs import Run, config_from_dict
from ecgtf.streaming import ReconstructionStream
from ecgtf.windows import WindowPipeline, batched, check_fs, overlap_add


class Reconstructor:
    """Reconstructs 12 leads from Lead I with a trained model (Keras or TFLite)."""

    def __init__(self, pipeline: WindowPipeline, name: str, source: str = "", run=None, tflite: Path | None = None,
                 denoise=None, intervals: IntervalCalibration | None = None, personal: bool = False):
        self.base_pipeline, self.name, self.source, self.run, self.tflite = pipeline, name, source, run, tflite
        self.denoiser = denoise
        self.intervals = intervals
        """The model's interval calibration (``intervals.json`` beside its weights), or ``None``: no bands."""
        self.personal = personal
        """Whether a person's head runs behind the model (its bands use the personalised calibration)."""

    def __repr__(self) -> str:
        extra = f", denoise={self.denoiser.name!r}" if self.denoiser is not None else ""
        return f"Reconstructor({self.name!r}, units={self.pipeline.units!r}{extra}, from {self.source})"

    @property
    def denoiser(self):
        """The :class:`ecgtf.Denoiser` applied to Lead I first, or ``None``."""
        return self._denoiser

    @denoiser.setter
    def denoiser(self, spec) -> None:
        self._denoiser = Denoiser.get(spec)

    @property
    def pipeline(self) -> WindowPipeline:
        """The model's :class:`WindowPipeline`, with the denoiser (if any) in front of its ``prepare``."""
        base, den = self.base_pipeline, self._denoiser
        if den is None:
            return base
        return replace(base, prepare=lambda x, fs: base.prepare(den.fn(np.asarray(x, np.float64), fs), fs))

    # -- constructors ---------------------------------------------------------------------------------
    @classmethod
    def from_run(cls, run, weights: str = "best", denoise=None) -> "Reconstructor":
        """From a run directory (or :class:`ecgtf.runs.Run`); ``weights="best"`` falls back to final."""
        run = run if isinstance(run, Run) else Run(run)
        spec = run.spec
        if spec.task != "reconstruction":
            raise ValueError(f"{run.path} is a {run.model} run ({spec.task}), not a Lead I → 12-lead model")
        try:
            gen = run.generator(weights)
        except FileNotFoundError:
            if weights != "best":
                raise
            gen = run.generator("final")
        run_windows = (spec.keras_windows or _keras_leads)(run, gen)
        pipeline = _with_input_leads(spec, spec.window_pipeline(run.preprocessing, run_windows),
                                     run.raw.get("architecture"))
        return cls(pipeline, f"{run.model} ({run.path.name})", f"run {run.path}", run=run, denoise=denoise,
                   intervals=load_calibration(run.path))

    @classmethod
    def from_preset(cls, name: str, weights: str = "best", denoise=None) -> "Reconstructor":
        """A trained model shipped with ecgtf (see :func:`ecgtf.presets.list_presets`)."""
        rec = cls.from_run(preset_dir(name), weights=weights, denoise=denoise)
        rec.name, rec.source = name, f"preset {name}"
        return rec

    @classmethod
    def from_tflite(cls, path: str | Path, threads: int = 1, denoise=None) -> "Reconstructor":
        """From an exported ``.tflite`` with its metadata ``.json`` beside it (LiteRT interpreter)."""
        path = Path(path)
        spec, meta, run_windows = open_tflite(path, "reconstruction", threads)
        pre = config_from_dict(spec.preprocessing, meta.get("preprocessing_config"), str(path.with_suffix(".json")))
        pipeline = _with_input_leads(spec, spec.window_pipeline(pre, run_windows), meta.get("architecture"))
        return cls(pipeline, f"{spec.name} {meta.get('format', '')} ({path.name})", f"file {path}", tflite=path,
                   denoise=denoise, intervals=load_calibration(path.parent))

    @classmethod
    def load(cls, model: str | Path | None = None, denoise=None) -> "Reconstructor":
        """A preset name, a run directory or a ``.tflite`` file; ``None``: the first installed preset."""
        if model is None:
            names = list(list_presets())
            if not names:
                raise ValueError("no preset is installed; pass a run directory or a .tflite file")
            model = names[0]
        p = Path(model)
        if p.suffix == ".tflite":
            return cls.from_tflite(p, denoise=denoise)
        if (p / "config.json").exists():
            return cls.from_run(p, denoise=denoise)
        return cls.from_preset(str(model), denoise=denoise)

    # -- use ------------------------------------------------------------------------------------------
    @property
    def units(self) -> str:
        return self.pipeline.units

    def reconstruct(self, signal, fs: float, coverage: float | None = DEFAULT_COVERAGE, quality: bool = True,
                    units: str = "mV", leads=None) -> Reconstruction:
        """Lead I ``(n,)`` — or ``(k, n)`` for the ``k`` named ``leads`` — at ``fs`` Hz (in ``units``: ``mV``, ``uV``
        or ``V``) → :class:`Reconstruction` with 12 leads at ``fs`` (in mV for millivolt models).

        ``leads`` (e.g. ``("I", "II")`` or ``"I,II,V2"``; default Lead I): given leads come back exactly; with two or
        more limb leads the other limb leads are derived exactly (Einthoven, Goldberger; ``info["derived"]``);
        the rest are reconstructed — by an any-leads model from every lead known (``info["reconstructed_from"]``),
        by a Lead I model from Lead I (given, or following from two limb leads).

        Any rate (resampled to the model's and back) and any length of at least one window
        (:attr:`WindowPipeline.min_seconds`); longer recordings are windowed and stitched.
        Raises ``ValueError`` saying what was expected for bad input.

        ``coverage`` (default 0.8): the band ``lower``/``upper`` around each lead holds the true lead (band-passed
        0.5–40 Hz) with this probability, as calibrated on held-out records (:mod:`ecgtf.intervals`; given and exactly
        derived leads have zero width; ``info["interval_set"]`` names the calibration used). Models without an
        ``intervals.json``, and ``coverage=None`` (when only the leads are wanted), return no band
        (``lower = upper = None``).

        ``quality=True`` (default) first applies the signal-quality gate of ``ecgtf reconstruct``
        (:func:`ecgtf.quality.gate`, every 10 s): a recording where no segment passes (lead off, not an ECG, a
        unit or rate error: the message says which, with what was measured) raises ``ValueError``; refused
        segments among good ones raise a ``UserWarning``; ``info["quality"]`` lists each segment's verdict.
        ``quality=False`` reconstructs anything that is finite and millivolt-sized (evaluations do).
        """
        fs = check_fs(fs)
        coverage = None if coverage is None else check_coverage(coverage)
        p = self.pipeline
        given = self._given_leads(signal, leads, units, fs)
        exact = limb_leads_from(given)
        if "I" not in exact:
            raise ValueError(f"leads {list(given)}: {self.name} reconstructs from Lead I; give Lead I, or two limb "
                             "leads it follows from (e.g. II and III: I = II − III)")
        x = exact["I"]
        segments = gate(x, fs) if quality else []
        known = {**{n: v for n, v in given.items() if n not in LIMB_COORDINATES}, **exact}   # + given chest leads
        used = [name for name in LEADS if name in known] if p.input_leads == 12 else ["I"]
        xm = np.stack([p.prepare(known[name], fs) for name in used])            # (k, n) at the model's rate
        n = xm.shape[-1]
        if n < p.window_in:  # rounding at odd rates
            xm = np.pad(xm, ((0, 0), (0, p.window_in - n)), mode="edge")
            n = p.window_in
        if p.input_leads == 12:
            rows = np.zeros((12, n), np.float32)
            rows[[LEADS.index(name) for name in used]] = xm
            xm = rows
        else:
            xm = xm[0]
        ratio = p.window_in // p.window_out
        n_out = int(round(n * p.fs_out / p.fs_in))
        starts = sorted({0, *range(0, n - p.window_in + 1, p.hop_in), ((n - p.window_in) // ratio) * ratio})
        outputs = np.asarray(p.run(np.stack([xm[..., s:s + p.window_in] for s in starts])), np.float64)
        check_model_output(outputs, p.units, f"the model {self.name} ({self.source})")
        stitched = overlap_add(outputs, [s // ratio for s in starts], n_out)
        info = {"quality": [(a, b, q.reason or "ok", bool(q.refused)) for a, b, q in segments]} if quality else {}
        out = resample(stitched, p.fs_out, fs)
        m = x.shape[0]
        out = out[:, :m] if out.shape[1] >= m else np.pad(out, ((0, 0), (0, m - out.shape[1])), mode="edge")
        exactly = {**exact, **given}                                # what follows from the given leads, and they
        if p.units == "mV":                                         # (a normalised-unit model keeps its own)
            for name, samples in exactly.items():
                out[LEADS.index(name)] = samples
        if len(given) > 1:
            info.update(given=tuple(given), derived=tuple(n for n in exact if n not in given),
                        reconstructed_from=",".join(used))
        result = Reconstruction(out.astype(np.float32), fs, p.units, x, len(starts), self.name, info=info)
        if self.intervals is not None and coverage is not None:
            key = self.intervals.key_for(exactly, self.personal)
            fixed = [LEADS.index(name) for name in exactly]
            result.lower, result.upper = self.intervals.bounds(result.leads, fs, fixed, key, coverage)
            result.coverage = coverage
            info["interval_set"] = key
        return result

    def _given_leads(self, signal, leads, units: str, fs: float) -> dict:
        """``{canonical name: samples (n,) in mV}`` of the input, each checked (numbers, finite, long enough, mV)."""
        p = self.pipeline
        names = lead_names(leads) if leads is not None else ("I",)
        if names == ("I",):
            rows = [one_lead(signal)]
        else:
            arr = np.asarray(signal)
            if arr.ndim != 2 or arr.shape[0] != len(names):
                raise ValueError(f"signal: shape {arr.shape} does not match leads {list(names)}; expected "
                                 f"({len(names)}, n), one row per named lead")
            if p.units != "mV":
                raise ValueError(f"leads {list(names)}: {self.name} answers in {p.units}, not mV; given leads can "
                                 "only be merged into a millivolt reconstruction")
            rows = list(arr)
        given = {}
        for name, row in zip(names, rows):
            x = one_lead(row, f"lead {name}")
            x = to_millivolts(x, units) if units != "mV" else x
            x = validate_signal(x, name=f"lead {name}", min_samples=int(np.ceil(p.min_seconds * fs)), fs=fs)
            check_millivolts(x, f"lead {name}")
            given[name] = np.asarray(x, np.float64)
        return given

    def personalize(self, reference, fs: float) -> PersonalReconstructor:
        """This model calibrated once to a person: ``reference`` is their own 12-lead ECG ``(12, n)`` in mV at ``fs``
        (≥ 4 s; canonical lead order). Returns a :class:`ecgtf.personal.PersonalReconstructor` (same
        ``reconstruct``/``stream``; ``.save(path)``, ``PersonalReconstructor.load(path, rec)``)."""
        return PersonalReconstructor(self, fit_profile(self, reference, check_fs(fs)))

    def stream(self, fs: float, **kw):
        """A live :class:`ecgtf.streaming.ReconstructionStream` for Lead I arriving at ``fs`` Hz."""
        return ReconstructionStream(self, fs, **kw)

    def plot(self, lead_i, fs: float, path: str | Path | None = None, title: str | None = None):
        """Reconstruct and draw the 12-lead paper plot; returns the :class:`Reconstruction`."""
        out = self.reconstruct(lead_i, fs)
        out.plot(path, title)
        return out

    def benchmark(self, lead_i=None, fs: float = 500.0, seconds: float = 60.0, repeats: int = 5) -> dict:
        """Wall time of :meth:`reconstruct` on a recording (default: 60 s of synthetic Lead I).

        Returns seconds per call (median), the real-time factor (recording seconds per compute
        second) and windows per call. Timings drift on shared machines: compare side by side.
        """
        if lead_i is None:
            rec = generate_record(SyntheticConfig(duration_s=seconds), seed=0)
            lead_i, fs = rec.signal[0], rec.fs
        self.reconstruct(lead_i, fs, quality=False)  # warm-up
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            out = self.reconstruct(lead_i, fs, quality=False)
            times.append(time.perf_counter() - t)
        sec = float(np.median(times))
        return {"seconds_per_call": sec, "recording_seconds": len(lead_i) / fs,
                "real_time_factor": len(lead_i) / fs / sec, "windows": out.windows}


def _with_input_leads(spec, pipeline: WindowPipeline, architecture) -> WindowPipeline:
    """The pipeline told how many leads its model's windows hold (:attr:`ecgtf.registry.ModelSpec.input_leads`)."""
    if spec.input_leads is None:
        return pipeline
    return replace(pipeline, input_leads=int(spec.input_leads(architecture or {})))


def _keras_leads(run, generator):
    """The default Keras window function: the generator's ``"leads"`` output, in batches through one graph."""
    from ecgtf.backend import tf

    graph = tf.function(lambda w: generator(w, training=False)["leads"], reduce_retracing=True)
    return lambda windows: batched(graph, windows)
