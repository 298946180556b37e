"""LSTM-GAN's phone-facing signature: ``noise`` (1, 100, 12), N(0, 1) → ``beat`` (1, 400), batch 1.

A fixed batch of 1 keeps the BiLSTM in builtin fused LSTM ops (a dynamic batch needs Flex ops).
"""
from __future__ import annotations

import numpy as np

from ecgtf.backend import tf


class LstmGanMobile(tf.Module):
    """Noise (1, 100, 12) → one beat (1, 400) around the LSTM-GAN generator."""

    input_name, output_name = "noise", "beat"

    def __init__(self, generator):
        super().__init__()
        self.generator = generator
        self.noise_shape = tuple(int(d) for d in generator.input_shape[1:])

    @tf.function
    def _serve(self, noise):
        beat = self.generator(noise, training=False)
        return {"beat": tf.reshape(beat, [1, -1])}

    def concrete_function(self):
        return self._serve.get_concrete_function(tf.TensorSpec((1,) + self.noise_shape, tf.float32, name="noise"))

    def __call__(self, noise: np.ndarray) -> np.ndarray:
        return self._serve(tf.constant(noise, tf.float32))["beat"].numpy()


def export_data(run, generator, n_validate: int, n_calibration: int) -> dict:
    """N(0, 1) noise vectors for validation and calibration (no ground truth for a generator)."""
    rng = np.random.default_rng(0)
    shape = tuple(generator.input_shape[1:])
    return {"inputs": rng.standard_normal((n_validate,) + shape).astype(np.float32), "truth": None,
            "calibration": rng.standard_normal((n_calibration,) + shape).astype(np.float32),
            "windows": "N(0,1) noise"}


def module_for_format(run, generator, fmt: str, data: dict, **_):
    return LstmGanMobile(generator), {}


def export_metadata(run, module=None) -> dict:
    p = run.preprocessing
    return {"input_spec": {"name": "noise", "shape": [1, 100, 12], "distribution": "N(0, 1)",
                           "note": "the TFLite LSTM keeps state between calls: reset variables before each beat"},
            "output_spec": {"name": "beat", "shape": [1, 400], "sampling_rate_hz": p.fs,
                            "units": f"raw LUDB units / {p.scale:g} (≈ mV / {p.scale / 1000:g})"}}


def mobile_module(run, generator) -> LstmGanMobile:
    return LstmGanMobile(generator)
