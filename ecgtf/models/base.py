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


def recalibrate_batchnorm(model: keras.Model, x, batch_size: int = 64) -> int:
    """Re-estimate every BatchNormalization layer's moving mean/variance over ``x``.

    Runs ``model(x, training=True)`` batch by batch (eagerly) with the momentum of batch ``k`` set
    to k/(k+1), so the moving statistics become the equal-weight average of the per-batch
    statistics: the population statistics of the *current* weights. A GAN generator's weights
    change too fast for the default exponential average (momentum 0.99) to keep up; without this,
    inference-mode outputs can be no better than zeros. Returns the number of layers updated.
    Weights other than the BN statistics are untouched.
    """
    bns = [layer for layer in model.submodules if isinstance(layer, keras.layers.BatchNormalization)]
    if not bns:
        return 0
    saved = [layer.momentum for layer in bns]
    try:
        for k, start in enumerate(range(0, len(x), batch_size)):
            for layer in bns:
                layer.momentum = k / (k + 1.0)
            model(x[start:start + batch_size], training=True)
    finally:
        for layer, m in zip(bns, saved):
            layer.momentum = m
    return len(bns)
