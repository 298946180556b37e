"""Denoising one ECG lead for users: a trained denoiser (run or .tflite) or a classical filter.

    import ecgtf
    den = ecgtf.Denoiser.get("wavelet")                  # "bandpass", "wavelet", a run dir, a .tflite
    clean = den(lead_i_mv, fs=250)                       # (n,) mV at 250 Hz
    rec = ecgtf.Reconstructor.from_preset("unet1d_12lead", denoise="runs/denoise/lstm_dcgan")

A network denoiser works on windows of its training rate and length (MIT-BIH: 360 Hz, 1,024
samples): the recording is resampled to that rate, cut into windows every ``hop`` samples, each
window denoised, and the outputs stitched by the weighted overlap-add of :mod:`ecgtf.windows`,
then resampled back. Recordings shorter than one window are padded by reflection.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from ecgtf.lite import open_tflite
from ecgtf.preprocessing.denoise import DEFAULT_DENOISE, bandpass_denoise, wavelet_denoise  # noqa: F401
from ecgtf.preprocessing.signal import check_model_output, one_lead, resample, validate_signal
from ecgtf.runs import Run, config_from_dict
from ecgtf.windows import batched, check_fs, overlap_add

CLASSICAL = ("bandpass", "wavelet")



class Denoiser:
    """One lead (n,) in mV at ``fs`` → the denoised lead (n,) in mV at ``fs``."""

    def __init__(self, fn: Callable[[np.ndarray, float], np.ndarray], name: str, source: str = "",
                 run=None, tflite: Path | None = None):
        self.fn, self.name, self.source, self.run, self.tflite = fn, name, source, run, tflite

    def __repr__(self) -> str:
        return f"Denoiser({self.name!r}, from {self.source})"

    def __call__(self, x, fs: float) -> np.ndarray:
        return self.denoise(x, fs)

    def denoise(self, x, fs: float) -> np.ndarray:
        """``x`` (n,) mV at ``fs`` Hz → (n,) float32 mV. ``ValueError`` saying what was expected on bad input."""
        fs = check_fs(fs)
        x = validate_signal(one_lead(x, "signal to denoise"), name="signal to denoise", min_samples=16, fs=fs)
        return np.asarray(self.fn(np.asarray(x, np.float64), fs), np.float32)

    # -- constructors ---------------------------------------------------------------------------------
    @classmethod
    def classical(cls, name: str, **kw) -> "Denoiser":
        """``"bandpass"`` (0.5–40 Hz Butterworth) or ``"wavelet"`` (sym8 soft universal threshold)."""
        fns = {"bandpass": bandpass_denoise, "wavelet": wavelet_denoise}
        if name not in fns:
            raise ValueError(f"unknown classical denoiser {name!r}; expected one of {sorted(fns)}")
        return cls(lambda x, fs: fns[name](x, fs, **kw), name, "scipy.signal" if name == "bandpass" else "PyWavelets")

    @classmethod
    def from_run(cls, run, weights: str = "final") -> "Denoiser":
        """A trained denoiser run (``ecgtf train denoiser``)."""
        run = run if isinstance(run, Run) else Run(run)
        if run.spec.task != "denoising":
            raise ValueError(f"{run.path} is a {run.model} run ({run.spec.task}), not a denoiser")
        gen = run.generator(weights)
        from ecgtf.backend import tf

        graph = tf.function(lambda x: gen(x, training=False), reduce_retracing=True)  # eager LSTMs are ~10× slower

        def run_windows(w):
            return batched(graph, w)
        return cls(windowed(run_windows, run.preprocessing), f"{run.variant} ({run.path.name})", f"run {run.path}",
                   run=run)

    @classmethod
    def from_tflite(cls, path: str | Path, threads: int = 1) -> "Denoiser":
        """An exported denoiser ``.tflite`` with its metadata ``.json`` beside it (LiteRT interpreter)."""
        path = Path(path)
        spec, meta, run_windows = open_tflite(path, "denoising", threads)
        window = config_from_dict(spec.preprocessing, meta.get("preprocessing_config"), str(path.with_suffix(".json")))
        return cls(windowed(run_windows, window), f"{spec.name} {meta.get('format', '')} ({path.name})", f"file {path}",
                   tflite=path)

    @classmethod
    def get(cls, spec) -> "Denoiser | None":
        """``None``/"none" → no denoising; a :class:`Denoiser`; "bandpass"/"wavelet"; a ``.tflite`` file; or
        a denoiser run directory. (No trained denoiser ships with ecgtf: README, "ECG denoising".)"""
        if spec is None or isinstance(spec, Denoiser):
            return spec
        if not isinstance(spec, (str, Path)):
            raise ValueError(f"denoise: expected None, a Denoiser, 'bandpass', 'wavelet', a run directory or a "
                             f".tflite path, got {spec!r}")
        text = str(spec)
        if text.lower() == "none":
            return None
        if text in CLASSICAL:
            return cls.classical(text)
        path = Path(text)
        if path.suffix == ".tflite":
            return cls.from_tflite(path)
        if (path / "config.json").exists():
            return cls.from_run(path)
        raise ValueError(f"denoise {text!r}: not 'none', {' or '.join(repr(c) for c in CLASSICAL)}, a denoiser run "
                         "directory (no config.json there) or a .tflite file")


def windowed(run_windows: Callable[[np.ndarray], np.ndarray], window) -> Callable[[np.ndarray, float], np.ndarray]:
    """``(x (n,), fs) → (n,)`` from a window model ``(B, length) → (B, length)`` at ``window.fs``."""
    def fn(x: np.ndarray, fs: float) -> np.ndarray:
        n = x.size
        xm = resample(x, fs, window.fs)             # a no-op at the window's rate
        m = xm.size
        if m < window.length:  # shorter than one window: reflect (then edge) padding, cut off again below
            xm = np.pad(xm, (0, window.length - m), mode="reflect" if 2 * m > window.length else "edge")
        starts = sorted({*range(0, xm.size - window.length + 1, window.hop), xm.size - window.length})
        windows = np.stack([xm[s:s + window.length] for s in starts]).astype(np.float32)
        outputs = np.asarray(run_windows(windows), np.float64)[:, None, :]
        check_model_output(outputs, "mV", "the denoiser")
        y = overlap_add(outputs, starts, xm.size)[0, :m]
        y = resample(y, window.fs, fs)
        return y[:n] if y.size >= n else np.pad(y, (0, n - y.size), mode="edge")
    return fn
