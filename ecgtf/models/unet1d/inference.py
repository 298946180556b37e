"""The 1-D U-Net for inference: the trained network of a run and its window pipeline.

Lead I is band-passed and resampled to 100 Hz as in training (:func:`.preprocessing.prepare_lead`), cut
into windows of ``pre.window`` samples every ``pre.hop``; the network returns the 12 leads in mV at 100 Hz.
"""
from __future__ import annotations

from ecgtf.kits.network_io import load_network
from ecgtf.windows import WindowPipeline

from .networks import build_reconstructor
from .preprocessing import Unet1dPreprocessing, prepare_lead


def load_generator(run, weights: str = "final"):
    """The run's trained reconstructor network (see :meth:`ecgtf.runs.Run.generator`)."""
    return load_network(run, "reconstructor", lambda: build_reconstructor(run.architecture), weights)


def window_pipeline(pre: Unet1dPreprocessing, run_model) -> WindowPipeline:
    """Lead I at any rate → prepared 100 Hz windows → 12 leads in mV at 100 Hz."""
    return WindowPipeline(pre.fs, pre.window, pre.hop, pre.fs, pre.window, "mV",
                          lambda x, fs: prepare_lead(x, fs, pre), run_model)
