"""EKGAN for inference: the trained generator of a run, its window pipeline and Keras window function.

The paper's windows are 4,096 samples of raw Lead I at 500 Hz (8.2 s), preprocessed per window
(:func:`.preprocessing.preprocess_window`) into the (16, 512, 1) layout; the 12 leads come out at
62.5 Hz. With ``fixed`` normalisation the output is in mV; with the paper's ``per_lead`` min-max every
lead gets Lead I's scale (the true per-lead amplitudes are unknown on a device that records only Lead I).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ecgtf.kits.network_io import load_network
from ecgtf.plots import plot_overlay
from ecgtf.preprocessing.signal import resample
from ecgtf.runs import Run
from ecgtf.scores import reconstruction_metrics
from ecgtf.windows import WindowPipeline

from .networks import build_inference_generator
from .preprocessing import EkganPreprocessing, leads_from_model, model_input, preprocess_window, to_millivolts


def _as_run(run_or_cfg) -> Run:
    """A :class:`ecgtf.runs.Run` from a Run or a run directory."""
    if isinstance(run_or_cfg, Run):
        return run_or_cfg
    if isinstance(run_or_cfg, (str, Path)):
        return Run(run_or_cfg)
    raise TypeError(f"expected a Run or a run directory, got {type(run_or_cfg).__name__}")


def load_generator_for_run(run, weights: str = "final"):
    """The run's trained inference generator (see :meth:`ecgtf.runs.Run.generator`)."""
    run = _as_run(run)
    if run.variant == "cardiogan":
        from .baselines.cardiogan import CardioganConfig, build_attention_unet

        return load_network(run, "inference_generator",
                            lambda: build_attention_unet(CardioganConfig.from_ekgan(run.architecture), "generator_xy"),
                            weights)
    return load_network(run, "inference_generator", lambda: build_inference_generator(run.architecture), weights)


def load_generator(run_dir: str | Path, weights: str = "final"):
    """``(generator, run, architecture, preprocessing)`` of a run directory."""
    run = _as_run(run_dir)
    return load_generator_for_run(run, weights), run, run.architecture, run.preprocessing


def predict(generator, x: np.ndarray, batch_size: int = 32) -> np.ndarray:
    """Model-layout inputs (N, 16, 512, 1) → model-layout outputs, in batches."""
    return np.concatenate([generator(x[i:i + batch_size], training=False)[0].numpy()
                           for i in range(0, len(x), batch_size)])


def keras_windows(run, generator):
    """``(B, 512) → (B, 12, 512)``: preprocessed Lead I windows through the Keras generator."""
    pre = run.preprocessing
    return lambda x: leads_from_model(predict(generator, model_input(x, pre)), pre)


def window_pipeline(pre: EkganPreprocessing, run_model) -> WindowPipeline:
    """Raw Lead I windows at ``pre.fs`` → 12 leads at ``pre.fs_out`` (mV with ``fixed`` normalisation)."""
    units = "mV" if pre.normalization == "fixed" else "lead-I-scaled"

    def run_windows(windows):
        xs, scales = [], []
        for w in windows:
            x, sc, _ = preprocess_window(w[None], pre)
            xs.append(x[0])
            scales.append(sc[0])
        y = run_model(np.stack(xs))
        # fixed: scale is the known constant (mV); per-lead: every lead gets Lead I's scale
        return y * np.asarray(scales)[:, None, None]
    return WindowPipeline(pre.fs, pre.n_keep, pre.n_keep // 2, pre.fs_out, pre.n_out, units,
                          lambda x, fs: resample(x, fs, pre.fs), run_windows, native_fs=pre.fs)


def evaluate_predictions(pred_model: np.ndarray, target_model: np.ndarray, scale: np.ndarray, offset: np.ndarray,
                         pre: EkganPreprocessing = EkganPreprocessing(), heart_rate: bool = True) -> dict:
    """Metrics (:func:`ecgtf.scores.reconstruction_metrics`) for model-layout predictions/targets ``(N, 16, 512, 1)`` with per-record ``scale``/``offset`` (N, 12)."""
    true_mv = to_millivolts(leads_from_model(target_model, pre), scale, offset)
    pred_mv = to_millivolts(leads_from_model(pred_model, pre), scale, offset)
    return reconstruction_metrics(true_mv, pred_mv, pre.fs_out, heart_rate)


def plot_examples(pred_model, target_model, scale, offset, out_dir: str | Path, prefix: str, n: int = 3,
                  pre: EkganPreprocessing = EkganPreprocessing(), record_ids=None) -> list[Path]:
    """Overlay plots (mV) of the first ``n`` records; returns the written paths."""
    true_mv = to_millivolts(leads_from_model(target_model[:n], pre), scale[:n], offset[:n])
    pred_mv = to_millivolts(leads_from_model(pred_model[:n], pre), scale[:n], offset[:n])
    paths = []
    for i in range(len(true_mv)):
        rid = record_ids[i] if record_ids is not None else i
        p = Path(out_dir) / f"{prefix}_{rid}.png"
        plot_overlay(true_mv[i], pred_mv[i], pre.fs_out, p, title=f"{prefix}: record {rid} (mV, 62.5 Hz)")
        paths.append(p)
    return paths
