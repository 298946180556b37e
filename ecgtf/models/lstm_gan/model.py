"""The LSTM-GAN training model (``compile(g_optimizer, d_optimizer)`` + ``train_step``, ``fit()``)."""
from __future__ import annotations

from ecgtf.backend import keras, tf
from ecgtf.kits.layers import apply_gradients, training_loss
from ecgtf.models.lstm_gan.networks import LstmGanConfig, build_discriminator, build_generator

_bce = keras.losses.BinaryCrossentropy(from_logits=True)


class LSTMGAN(keras.Model):
    """LSTM-GAN training model: ``compile(g_optimizer, d_optimizer)``, ``fit()`` on real beats (N, 1, 400)."""

    def __init__(self, config: LstmGanConfig = LstmGanConfig(), **kwargs):
        super().__init__(**kwargs)
        self.config = config
        self.generator = build_generator(config)
        self.discriminator = build_discriminator(config)
        self._trackers = {n: keras.metrics.Mean(name=n) for n in ("g_loss", "d_loss", "d_real", "d_fake")}

    def compile(self, g_optimizer, d_optimizer, **kwargs):
        super().compile(**kwargs)
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer

    @property
    def metrics(self):
        return list(self._trackers.values())

    def call(self, noise, training=False):
        return self.generator(noise, training=training)

    def train_step(self, real):
        batch = tf.shape(real)[0]
        noise = tf.random.normal((batch,) + self.config.noise_shape)
        with tf.GradientTape(persistent=True) as tape:
            fake = self.generator(noise, training=True)
            d_real = self.discriminator(real, training=True)
            d_fake = self.discriminator(fake, training=True)
            d_loss = _bce(tf.ones_like(d_real), d_real) + _bce(tf.zeros_like(d_fake), d_fake)
            g_loss = _bce(tf.ones_like(d_fake), d_fake)
            g_train = training_loss(g_loss, self.g_optimizer)
            d_train = training_loss(d_loss, self.d_optimizer)
        apply_gradients(tape, d_train, self.d_optimizer, self.discriminator.trainable_variables)
        apply_gradients(tape, g_train, self.g_optimizer, self.generator.trainable_variables)
        del tape
        logs = {"g_loss": g_loss, "d_loss": d_loss, "d_real": tf.reduce_mean(tf.sigmoid(d_real)),
                "d_fake": tf.reduce_mean(tf.sigmoid(d_fake))}
        for k, v in logs.items():
            self._trackers[k].update_state(v)
        return {k: t.result() for k, t in self._trackers.items()}

    def checkpoint_objects(self) -> dict:
        return {"generator": self.generator, "g_optimizer": self.g_optimizer,
                "discriminator": self.discriminator, "d_optimizer": self.d_optimizer}

    def optimizer_pairs(self):
        """(optimizer, network) pairs whose slots must exist before a checkpoint restore."""
        return [(self.g_optimizer, self.generator), (self.d_optimizer, self.discriminator)]

