"""The denoising GAN as a ``keras.Model``: ``compile(g_optimizer, d_optimizer)``, ``fit()`` on
(noisy, clean) fragment pairs (N, L) in mV.

Generator loss = −log D(G(noisy) | noisy) + ``content_weight`` · mean |centred G(noisy) − centred clean|;
discriminator: BCE on logits, clean vs denoised, both given the noisy input when conditional.
``evaluate()`` / validation report ``content`` (the L1 in mV) and ``snr_out`` (dB, batch-pooled).
"""
from __future__ import annotations

from ecgtf.backend import keras, tf
from ecgtf.kits.beatgen.engine import TwoNetworkGAN
from ecgtf.kits.layers import apply_gradients, training_loss

_bce = keras.losses.BinaryCrossentropy(from_logits=True)


def _centred(x):
    return x - tf.reduce_mean(x, axis=1, keepdims=True)


class DenoiserGAN(TwoNetworkGAN):
    def __init__(self, generator, discriminator, config, **kwargs):
        super().__init__(**kwargs)
        self.generator, self.discriminator, self.config = generator, discriminator, config
        self._init_trackers(("g_loss", "d_loss", "content", "adversarial", "snr_out"))

    def call(self, noisy, training=False):
        return self.generator(noisy, training=training)

    def _d(self, candidate, noisy):
        ins = [_centred(candidate), _centred(noisy)] if self.config.conditional_discriminator else _centred(candidate)
        return self.discriminator(ins, training=True)

    @staticmethod
    def _content(denoised, clean):
        return tf.reduce_mean(tf.abs(_centred(denoised) - _centred(clean)))

    @staticmethod
    def _snr(denoised, clean):
        c = _centred(clean)
        err = _centred(denoised) - c
        return 10.0 * tf.math.log(tf.reduce_sum(c ** 2) / (tf.reduce_sum(err ** 2) + 1e-12)) / tf.math.log(10.0)

    def train_step(self, data):
        noisy, clean = data
        with tf.GradientTape() as tape:
            fake = self.generator(noisy, training=True)
            d_real, d_fake = self._d(clean, noisy), self._d(fake, noisy)
            d_loss = _bce(tf.ones_like(d_real), d_real) + _bce(tf.zeros_like(d_fake), d_fake)
            scaled = training_loss(d_loss, self.d_optimizer)
        apply_gradients(tape, scaled, self.d_optimizer, self.discriminator.trainable_variables)
        with tf.GradientTape() as tape:
            fake = self.generator(noisy, training=True)
            d_fake = self._d(fake, noisy)
            adversarial = _bce(tf.ones_like(d_fake), d_fake)
            content = self._content(fake, clean)
            g_loss = adversarial + self.config.content_weight * content
            scaled = training_loss(g_loss, self.g_optimizer)
        apply_gradients(tape, scaled, self.g_optimizer, self.generator.trainable_variables)
        return self._log({"g_loss": g_loss, "d_loss": d_loss, "content": content, "adversarial": adversarial,
                          "snr_out": self._snr(fake, clean)})

    def test_step(self, data):
        noisy, clean = data
        fake = self.generator(noisy, training=False)
        content = self._content(fake, clean)
        d_fake = self._d(fake, noisy)
        adversarial = _bce(tf.ones_like(d_fake), d_fake)
        return self._log({"g_loss": adversarial + self.config.content_weight * content, "d_loss": 0.0,
                          "content": content, "adversarial": adversarial, "snr_out": self._snr(fake, clean)})
