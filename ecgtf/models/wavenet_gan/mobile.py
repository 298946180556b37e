"""Phone signatures. ``gan``: the shared beat-generator one (noise + one-hot → beat).
``wavenet``: one autoregressive step, ``context`` (1, R + C) = the last R samples in [−1, 1]
(R = receptive field, 1,024) and the one-hot class → ``next_sample_probs`` (1, 256) over µ-law
levels; the app draws a level, decodes it (µ-law, 255) and appends it to the context.
"""
from __future__ import annotations

import numpy as np

from ecgtf.backend import tf
from ecgtf.kits.beatgen import mobile as shared

from .networks import wavenet


class WavenetStepMobile(tf.Module):
    input_name, output_name = "context", "next_sample_probs"
    input_description = "random contexts in [-1, 1] + a random class"

    def __init__(self, generator, cfg):
        super().__init__()

        self.cfg, self.receptive = cfg, cfg.receptive_field
        self.net = wavenet(cfg, length=self.receptive)
        self.net.set_weights(generator.get_weights())
        self.input_size = self.receptive + cfg.n_classes
        self.output_size = cfg.quantization
        self.n_classes = cfg.n_classes
        self.input_note = {"distribution": "past samples in [-1, 1] (µ-law decoded) and a one-hot class",
                           "layout": f"{self.receptive} past samples (oldest first), then the one-hot class"}

    @tf.function
    def _serve(self, context):
        logits = self.net([context[:, :self.receptive], context[:, self.receptive:]], training=False)
        return {"next_sample_probs": tf.nn.softmax(logits[:, -1, :])}

    def concrete_function(self):
        return self._serve.get_concrete_function(tf.TensorSpec((1, self.input_size), tf.float32, name="context"))

    def __call__(self, context: np.ndarray) -> np.ndarray:
        return self._serve(tf.constant(context, tf.float32))["next_sample_probs"].numpy()

    def sample_inputs(self, rng: np.random.Generator, n: int) -> np.ndarray:
        x = np.empty((n, self.input_size), np.float32)
        x[:, :self.receptive] = np.clip(rng.standard_normal((n, self.receptive)) * 0.3, -1, 1)
        x[:, self.receptive:] = np.eye(self.n_classes, dtype=np.float32)[rng.integers(0, self.n_classes, n)]
        return x


def mobile_module(run, generator):
    if run.architecture.variant == "wavenet":
        return WavenetStepMobile(generator, run.architecture)
    return shared.BeatGeneratorMobile(generator)


export_data, export_metadata, module_for_format = shared.export_data, shared.export_metadata, shared.module_for_format
