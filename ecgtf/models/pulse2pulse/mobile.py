"""Pulse2Pulse's phone signature: ``noise`` (1, length, 8) in U(−1, 1) → ``ecg`` (1, 12, length) in mV.

The graph scales the generator's leads I, II, V1–V6 to millivolts and derives III, aVR, aVL and aVF, so
an app gets the canonical 12 leads (I, II, III, aVR, aVL, aVF, V1–V6) with Einthoven's law exact.
"""
from __future__ import annotations

import numpy as np

from ecgtf.backend import tf
from ecgtf.leads import DERIVED_LIMB_LEADS, derive_limb_leads


class Pulse2PulseMobile(tf.Module):
    input_name, output_name = "noise", "ecg"

    def __init__(self, generator, scale_mv: float):
        super().__init__()
        self.generator = generator
        self.scale_mv = float(scale_mv)
        self.length, self.n_leads = (int(d) for d in generator.inputs[0].shape[1:])

    @tf.function
    def _serve(self, noise):
        leads = tf.transpose(self.generator(noise, training=False), [0, 2, 1]) * self.scale_mv  # (1, 8, L)
        i, ii = leads[:, 0], leads[:, 1]
        derived = derive_limb_leads(i, ii)          # plain arithmetic: works on tensors, traced into the graph
        limb = tf.stack([i, ii, *(derived[k] for k in DERIVED_LIMB_LEADS)], axis=1)
        return {"ecg": tf.concat([limb, leads[:, 2:]], axis=1)}

    def concrete_function(self):
        return self._serve.get_concrete_function(tf.TensorSpec((1, self.length, self.n_leads), tf.float32,
                                                               name="noise"))

    def __call__(self, noise: np.ndarray) -> np.ndarray:
        return self._serve(tf.constant(noise, tf.float32))["ecg"].numpy()

    def sample_inputs(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(-1, 1, (n, self.length, self.n_leads)).astype(np.float32)


def mobile_module(run, generator):
    return Pulse2PulseMobile(generator, run.data.scale_mv)


def export_data(run, generator, n_validate: int, n_calibration: int) -> dict:
    """U(−1, 1) noise for validation and calibration (a generator has no ground truth)."""
    module, rng = mobile_module(run, generator), np.random.default_rng(0)
    return {"inputs": module.sample_inputs(rng, n_validate), "truth": None,
            "calibration": module.sample_inputs(rng, n_calibration), "windows": "U(-1,1) noise"}


def module_for_format(run, generator, fmt: str, data: dict, **_):
    return None, {}


def export_metadata(run, module) -> dict:
    a = run.architecture
    return {"input_spec": {"name": module.input_name, "shape": [1, module.length, module.n_leads],
                           "distribution": "U(-1, 1)"},
            "output_spec": {"name": module.output_name, "shape": [1, 12, module.length], "units": "mV",
                            "sampling_rate_hz": a.fs, "leads": ["I", "II", "III", "aVR", "aVL", "aVF",
                                                                "V1", "V2", "V3", "V4", "V5", "V6"],
                            "band_hz": list(run.data.band_hz) if run.data.band_hz else None,
                            "note": "III, aVR, aVL, aVF are derived in the graph (Einthoven/Goldberger exact)"}}
