"""ME-GAN's phone signature: ``noise`` (1, z_dim + 3) → ``beats`` (1, 12, 512), batch 1, builtin ops.

The first z_dim values are N(0, 1) noise, the last 3 the condition (LAD, RAD, RBBB) as 0/1 (all 0 =
none of them). The output is one cardiac cycle of the 12 views (ecgtf lead order) at 500 Hz, scaled
to [0, 1] jointly over the views (R peak at sample 100).
"""
from __future__ import annotations

import numpy as np

from ecgtf.backend import tf
from ecgtf.kits.beatgen.mobile import BeatGeneratorMobile, export_data, module_for_format  # noqa: F401
from ecgtf.leads import LEADS

from .data import CONDITIONS


class MeganMobile(BeatGeneratorMobile):
    input_name, output_name = "noise", "beats"
    input_description = "N(0,1) noise + a random condition vector (none, LAD, RAD or RBBB)"

    @tf.function
    def _serve(self, noise):
        inputs = [noise[:, :self.noise_size], noise[:, self.noise_size:]]
        return {"beats": self.generator(inputs, training=False)}

    def __call__(self, noise: np.ndarray) -> np.ndarray:
        return self._serve(tf.constant(noise, tf.float32))["beats"].numpy()

    def sample_inputs(self, rng: np.random.Generator, n: int) -> np.ndarray:
        x = rng.standard_normal((n, self.input_size)).astype(np.float32)
        x[:, self.noise_size:] = np.eye(self.n_classes + 1, self.n_classes, k=-1, dtype=np.float32)[
            rng.integers(0, self.n_classes + 1, n)]
        return x


def mobile_module(run, generator):
    return MeganMobile(generator)


def export_metadata(run, module) -> dict:


    b = run.preprocessing
    return {"input_spec": {"name": module.input_name, "shape": [1, module.input_size],
                           "noise": {"size": module.noise_size, "distribution": "N(0, 1)"},
                           "condition": {"names": list(CONDITIONS), "values": "0/1 each; all 0 = none of them",
                                         "offset": module.noise_size}},
            "output_spec": {"name": module.output_name, "shape": [1, 12, b.length], "views": list(LEADS),
                            "sampling_rate_hz": b.fs, "units": "one beat, scaled to [0, 1] jointly over the views",
                            "r_peak_sample": int(round(b.before_r_s * b.fs))}}
