"""The denoiser's phone signature: ``noisy`` (1, L) mV → ``denoised`` (1, L) mV, batch 1, at the window's
rate (MIT-BIH: 1,024 samples at 360 Hz). The fragment's mean is removed and restored inside the graph;
a fixed batch of 1 keeps the LSTMs in builtin fused ops (no Flex). Long recordings: windows every
``hop`` samples, stitched by the weighted overlap-add ``w[n] = sin²(π (n + ½) / L)`` (metadata)."""
from __future__ import annotations

import numpy as np

from ecgtf.backend import tf

from .data import load_sources, validation_pairs


class DenoiserMobile(tf.Module):
    input_name, output_name = "noisy", "denoised"

    def __init__(self, generator):
        super().__init__()
        self.generator = generator
        self.length = int(generator.inputs[0].shape[-1])

    @tf.function
    def _serve(self, noisy):
        return {"denoised": self.generator(noisy, training=False)}

    def concrete_function(self):
        return self._serve.get_concrete_function(tf.TensorSpec((1, self.length), tf.float32, name="noisy"))

    def __call__(self, noisy: np.ndarray) -> np.ndarray:
        return self._serve(tf.constant(noisy, tf.float32))["denoised"].numpy()


def mobile_module(run, generator):
    return DenoiserMobile(generator)


def export_data(run, generator, n_validate: int, n_calibration: int) -> dict:
    """Held-out validation fragments (noisy inputs, clean truth) and calibration inputs (training noise
    on the validation part of the training records; the bench's test records stay unseen)."""

    sources = load_sources(run.preprocessing, run.data)
    noisy, clean = validation_pairs(sources, run.preprocessing, run.data, n=n_validate + n_calibration)
    # truth at the input's level: the model keeps each window's mean (a fragment's DC is not ECG information)
    truth = clean - clean.mean(axis=1, keepdims=True) + noisy.mean(axis=1, keepdims=True)
    return {"inputs": noisy[:n_validate], "truth": truth[:n_validate], "calibration": noisy[n_validate:],
            "windows": "validation fragments of the training records with training noise"}


def module_for_format(run, generator, fmt: str, data: dict, **_):
    return None, {}


def export_metadata(run, module) -> dict:
    w = run.preprocessing
    window = {"sampling_rate_hz": w.fs, "length": w.length, "hop": w.hop, "lead": w.lead, "units": "mV"}
    return {"input_spec": {"name": module.input_name, "shape": [1, module.length], **window,
                           "note": "one window of the noisy lead; resample the recording to sampling_rate_hz first"},
            "output_spec": {"name": module.output_name, "shape": [1, module.length], **window,
                            "overlap_add": "w[n] = sin^2(pi (n + 0.5) / length), windows every hop samples"}}
