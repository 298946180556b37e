"""The beat generators' phone signature: ``noise`` (1, Z [+ C]) → ``beat`` (1, L), batch 1.

Z = the generator's noise size (flattened); a class-conditional generator takes its class as a
one-hot vector appended to the noise (C = number of classes), so every beat model has one input.
A fixed batch of 1 keeps LSTMs in builtin fused ops (no Flex).
"""
from __future__ import annotations

import numpy as np

from ecgtf import registry
from ecgtf.backend import tf

from .data import class_names


class BeatGeneratorMobile(tf.Module):
    """Flat noise [+ one-hot class] (1, Z + C) → one beat (1, L)."""

    input_name, output_name = "noise", "beat"

    def __init__(self, generator):
        super().__init__()
        self.generator = generator
        self.noise_shape = tuple(int(d) for d in generator.inputs[0].shape[1:])
        self.n_classes = int(generator.inputs[1].shape[-1]) if len(generator.inputs) > 1 else 0
        self.noise_size = int(np.prod(self.noise_shape))
        self.input_size = self.noise_size + self.n_classes
        self.output_size = int(np.prod(generator.outputs[0].shape[1:]))

    @tf.function
    def _serve(self, noise):
        z = tf.reshape(noise[:, :self.noise_size], (1,) + self.noise_shape)
        inputs = [z, noise[:, self.noise_size:]] if self.n_classes else z
        return {"beat": tf.reshape(self.generator(inputs, training=False), [1, -1])}

    def concrete_function(self):
        return self._serve.get_concrete_function(tf.TensorSpec((1, self.input_size), tf.float32, name="noise"))

    def __call__(self, noise: np.ndarray) -> np.ndarray:
        return self._serve(tf.constant(noise, tf.float32))["beat"].numpy()

    def sample_inputs(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` valid inputs (n, Z + C): N(0, 1) noise and a random class."""
        x = rng.standard_normal((n, self.input_size)).astype(np.float32)
        if self.n_classes:
            x[:, self.noise_size:] = np.eye(self.n_classes, dtype=np.float32)[rng.integers(0, self.n_classes, n)]
        return x


def mobile_module(run, generator):
    return BeatGeneratorMobile(generator)


def export_data(run, generator, n_validate: int, n_calibration: int) -> dict:
    """Noise inputs for validation and calibration (a generator has no ground truth)."""
    module, rng = registry.mobile_module(run, generator), np.random.default_rng(0)
    return {"inputs": module.sample_inputs(rng, n_validate), "truth": None,
            "calibration": module.sample_inputs(rng, n_calibration),
            "windows": getattr(module, "input_description", "N(0,1) noise (+ random class)")}


def module_for_format(run, generator, fmt: str, data: dict, **_):
    return None, {}


UNITS = {"none": "mV", "minmax": "each beat scaled to [0, 1]", "zscore": "each beat z-scored"}


def export_metadata(run, module) -> dict:
    """Input/output spec of ``module`` (the export job's phone module) for the ``.json`` beside the file."""

    w = run.preprocessing
    spec = {"name": module.input_name, "shape": [1, module.input_size], "distribution": "N(0, 1)"}
    if module.n_classes:
        spec["classes"] = list(class_names(w))
        spec["note"] = f"the last {module.n_classes} values are the one-hot class ({', '.join(class_names(w))})"
    return {"input_spec": {**spec, **getattr(module, "input_note", {})},
            "output_spec": {"name": module.output_name, "shape": [1, module.output_size], "sampling_rate_hz": w.fs,
                            "units": UNITS[w.normalization],
                            "window": {"lead": w.lead, "before_r": w.before, "after_r": w.after}}}
