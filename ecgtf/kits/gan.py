"""Shared base for the Lead I → 12-lead training models (EKGAN, Pix2Pix and the ablations)."""
from __future__ import annotations

from ecgtf.backend import keras, tf


class ReconstructionGAN(keras.Model):
    """A GAN trained with ``fit()`` on (input, target) pairs whose generator is ``self.inference_generator``.

    Subclasses define ``train_step`` and list their loss names in ``loss_names``; validation
    (``test_step``) reports L1 and RMSE of the reconstruction in normalised units.
    """

    loss_names: tuple[str, ...] = ()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._trackers = {n: keras.metrics.Mean(name=n) for n in (*self.loss_names, "l1", "rmse")}

    @property
    def metrics(self):
        return list(self._trackers.values())

    def call(self, inputs, training=False):
        return self.inference_generator(inputs, training=training)[0]

    def _report(self, logs: dict) -> dict:
        for k, v in logs.items():
            self._trackers[k].update_state(v)
        return {k: self._trackers[k].result() for k in logs}

    def test_step(self, data):
        x, y = data
        err = tf.cast(y, tf.float32) - tf.cast(self(x, training=False), tf.float32)
        return self._report({"l1": tf.reduce_mean(tf.abs(err)), "rmse": tf.sqrt(tf.reduce_mean(tf.square(err)))})
