"""The 1-D U-Net for inference: the trained network of a run and its window pipeline.

Lead I (and, for an any-leads network, every other recorded lead) is band-passed and resampled to 100 Hz as in
training (:func:`.preprocessing.prepare_lead`), cut into windows of ``pre.window`` samples every ``pre.hop``;
the network returns the 12 leads in mV at 100 Hz.

Windows of an any-leads network are (B, 12, L) in canonical lead order with a row of zeros for each lead that
was not recorded — the convention of the phone's ``.tflite`` too (:mod:`.mobile`); :func:`present_mask` turns
it into the network's presence mask.
"""
from __future__ import annotations

import numpy as np

from ecgtf.backend import tf
from ecgtf.kits.network_io import load_network
from ecgtf.windows import WindowPipeline, batched

from .networks import build_reconstructor
from .preprocessing import Unet1dPreprocessing, prepare_lead


def load_generator(run, weights: str = "final"):
    """The run's trained reconstructor network (see :meth:`ecgtf.runs.Run.generator`)."""
    return load_network(run, "reconstructor", lambda: build_reconstructor(run.architecture), weights)


def input_leads(architecture: dict) -> int:
    """Rows of a model window: 12 for an any-leads network, else 1 (Lead I)."""
    return 12 if architecture.get("any_leads") else 1


def present_mask(leads_in):
    """(B, 12, L) windows → (B, 12) float mask, in the graph: 1 where a lead has any non-zero sample
    (:func:`ecgtf.windows.recorded_rows` in NumPy)."""
    return tf.cast(tf.reduce_max(tf.abs(leads_in), axis=-1) > 0.0, leads_in.dtype)


def keras_windows(run, generator):
    """The network's ``"leads"`` (B, 12, L) mV on Lead I windows (B, L) or, any-leads, (B, 12, L) windows."""
    inputs = (lambda w: [w, present_mask(w)]) if run.architecture.any_leads else (lambda w: w)
    graph = tf.function(lambda w: generator(inputs(w), training=False)["leads"], reduce_retracing=True)
    return lambda windows: batched(graph, np.asarray(windows, np.float32))


def window_pipeline(pre: Unet1dPreprocessing, run_model) -> WindowPipeline:
    """Lead I at any rate → prepared 100 Hz windows → 12 leads in mV at 100 Hz."""
    return WindowPipeline(pre.fs, pre.window, pre.hop, pre.fs, pre.window, "mV",
                          lambda x, fs: prepare_lead(x, fs, pre), run_model)
