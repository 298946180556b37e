"""Training models of the beat generators: GANs and autoencoders as ``keras.Model`` + ``train_step``.

Shapes: beats (N, L) float32; noise (N, *noise_shape) N(0, 1); labels (N,) int class indices, fed
to conditional networks as one-hot (N, n_classes). Every model exposes ``generator`` — a
``keras.Model`` noise [, one-hot] → beats (N, L) — and ``checkpoint_objects()`` for the trainer.
"""
from __future__ import annotations

import numpy as np

from ecgtf.backend import keras, tf
from ecgtf.kits.layers import apply_gradients, training_loss

_bce = keras.losses.BinaryCrossentropy(from_logits=True)


def _split(data):
    """``fit`` batches are beats or (beats, labels)."""
    if isinstance(data, (tuple, list)):
        return data[0], (data[1] if len(data) > 1 else None)
    return data, None


class _Tracked(keras.Model):
    """Mean trackers for the per-step logs."""

    def _init_trackers(self, names):
        self._trackers = {n: keras.metrics.Mean(name=n) for n in names}

    @property
    def metrics(self):
        return list(self._trackers.values())

    def _log(self, values: dict) -> dict:
        for k, v in values.items():
            self._trackers[k].update_state(v)
        return {k: t.result() for k, t in self._trackers.items()}


class TwoNetworkGAN(_Tracked):
    """A generator and a discriminator with one optimizer each: ``compile(g_optimizer, d_optimizer)``,
    and what the trainers' checkpoints need (``checkpoint_objects``, ``optimizer_pairs``)."""

    def compile(self, g_optimizer, d_optimizer, **kwargs):
        super().compile(**kwargs)
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer

    def checkpoint_objects(self) -> dict:
        return {"generator": self.generator, "g_optimizer": self.g_optimizer,
                "discriminator": self.discriminator, "d_optimizer": self.d_optimizer}

    def optimizer_pairs(self):
        return [(self.g_optimizer, self.generator), (self.d_optimizer, self.discriminator)]


class BeatGAN(TwoNetworkGAN):
    """A beat GAN: ``compile(g_optimizer, d_optimizer)``, ``fit()`` on beats (N, L) or (beats, labels).

    ``loss="bce"``: the non-saturating GAN of Goodfellow et al. (D: BCE on logits; G: −log D(G(z)));
    ``loss="wgan-gp"``: Wasserstein critic with gradient penalty (Gulrajani et al. 2017), ``n_critic``
    critic steps per generator step. With ``n_classes`` > 0 both networks also take the one-hot class.
    ``noise``: "normal" (N(0, 1)) or "uniform" (U(−1, 1), as Pulse2Pulse).
    """

    def __init__(self, generator, discriminator, noise_shape, n_classes: int = 0, loss: str = "bce",
                 n_critic: int = 1, gp_weight: float = 10.0, noise: str = "normal", **kwargs):
        super().__init__(**kwargs)
        if loss not in ("bce", "wgan-gp"):
            raise ValueError(f"loss must be 'bce' or 'wgan-gp', got {loss!r}")
        if noise not in ("normal", "uniform"):
            raise ValueError(f"noise must be 'normal' or 'uniform', got {noise!r}")
        self.noise_distribution = noise
        self.generator, self.discriminator = generator, discriminator
        self.noise_shape, self.n_classes = tuple(noise_shape), int(n_classes)
        self.loss_kind, self.n_critic, self.gp_weight = loss, int(n_critic), float(gp_weight)
        self._init_trackers(("g_loss", "d_loss", "d_real", "d_fake"))

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    def _noise(self, batch):
        shape = tf.concat([[batch], self.noise_shape], 0)
        if self.noise_distribution == "uniform":
            return tf.random.uniform(shape, -1.0, 1.0)
        return tf.random.normal(shape)

    def _inputs(self, x, onehot):
        return x if onehot is None else [x, onehot]

    def _d_losses(self, real, fake, onehot):
        d_real = self.discriminator(self._inputs(real, onehot), training=True)
        d_fake = self.discriminator(self._inputs(fake, onehot), training=True)
        if self.loss_kind == "bce":
            d_loss = _bce(tf.ones_like(d_real), d_real) + _bce(tf.zeros_like(d_fake), d_fake)
        else:
            eps = tf.random.uniform([tf.shape(real)[0]] + [1] * (len(real.shape) - 1))
            mix = eps * real + (1.0 - eps) * fake
            with tf.GradientTape() as gp_tape:
                gp_tape.watch(mix)
                d_mix = self.discriminator(self._inputs(mix, onehot), training=True)
            grad = gp_tape.gradient(d_mix, mix)
            norm = tf.sqrt(tf.reduce_sum(tf.reshape(grad, [tf.shape(grad)[0], -1]) ** 2, axis=1) + 1e-12)
            d_loss = tf.reduce_mean(d_fake) - tf.reduce_mean(d_real) + self.gp_weight * tf.reduce_mean((norm - 1) ** 2)
        return d_loss, d_real, d_fake

    def _g_loss(self, d_fake):
        return _bce(tf.ones_like(d_fake), d_fake) if self.loss_kind == "bce" else -tf.reduce_mean(d_fake)

    def train_step(self, data):
        real, labels = _split(data)
        batch = tf.shape(real)[0]
        onehot = None if not self.n_classes else tf.one_hot(tf.cast(labels, tf.int32), self.n_classes)
        for _ in range(self.n_critic):
            noise = self._noise(batch)
            with tf.GradientTape() as tape:
                fake = self.generator(self._inputs(noise, onehot), training=True)
                d_loss, d_real, d_fake = self._d_losses(real, fake, onehot)
                scaled = training_loss(d_loss, self.d_optimizer)
            apply_gradients(tape, scaled, self.d_optimizer, self.discriminator.trainable_variables)
        noise = self._noise(batch)
        with tf.GradientTape() as tape:
            fake = self.generator(self._inputs(noise, onehot), training=True)
            d_fake_g = self.discriminator(self._inputs(fake, onehot), training=True)
            g_loss = self._g_loss(d_fake_g)
            scaled = training_loss(g_loss, self.g_optimizer)
        apply_gradients(tape, scaled, self.g_optimizer, self.generator.trainable_variables)
        squash = tf.sigmoid if self.loss_kind == "bce" else tf.identity
        return self._log({"g_loss": g_loss, "d_loss": d_loss, "d_real": tf.reduce_mean(squash(d_real)),
                          "d_fake": tf.reduce_mean(squash(d_fake))})


class LatentAffine(keras.layers.Layer):
    """``z = mean + std · noise`` with non-trainable ``mean``/``std`` (N(0, 1) for VAEs and adversarial
    AEs; for a plain AE, a diagonal Gaussian fitted to the training codes by :meth:`BeatAutoencoder.fit_latent`)."""

    def build(self, input_shape):
        d = int(input_shape[-1])
        self.mean = self.add_weight(name="mean", shape=(d,), initializer="zeros", trainable=False)
        self.std = self.add_weight(name="std", shape=(d,), initializer="ones", trainable=False)

    def call(self, noise):
        return self.mean + self.std * noise


def sampler_model(decoder: keras.Model, latent_dim: int, name: str) -> keras.Model:
    """The generator of an autoencoder: noise (N, latent_dim) → :class:`LatentAffine` → decoder → beats."""
    z = keras.Input((latent_dim,), name="noise")
    return keras.Model(z, decoder(LatentAffine(name="latent")(z)), name=name)


class BeatAutoencoder(_Tracked):
    """Autoencoder baselines: ``kind`` "ae" (reconstruction), "vae" (+ β·KL, Kingma & Welling 2014) or
    "aae" (adversarial AE, Makhzani et al. 2016: a discriminator makes the codes look N(0, 1)).

    ``encoder``: beats → (N, latent) for "ae", (N, 2·latent) = (mean, log-variance) otherwise;
    ``decoder``: (N, latent) → beats. Generation = ``generator`` (:func:`sampler_model`).
    ``compile(g_optimizer, d_optimizer=None)``; the reconstruction loss is L1 or MSE per sample.
    """

    def __init__(self, encoder, decoder, latent_dim: int, kind: str = "ae", discriminator=None,
                 reconstruction: str = "mse", beta: float = 1.0, adversarial_weight: float = 0.001, **kwargs):
        super().__init__(**kwargs)
        if kind not in ("ae", "vae", "aae"):
            raise ValueError(f"kind must be ae, vae or aae, got {kind!r}")
        if (kind == "aae") != (discriminator is not None):
            raise ValueError("an adversarial autoencoder (kind='aae') needs a latent discriminator, the others none")
        self.encoder, self.decoder, self.discriminator = encoder, decoder, discriminator
        self.latent_dim, self.kind, self.reconstruction = int(latent_dim), kind, reconstruction
        self.beta, self.adversarial_weight = float(beta), float(adversarial_weight)
        self.generator = sampler_model(decoder, self.latent_dim, f"{kind}_generator")
        self._init_trackers(("g_loss", "recon", "kl", "d_loss"))

    def compile(self, g_optimizer, d_optimizer=None, **kwargs):
        super().compile(**kwargs)
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer

    def call(self, beats, training=False):
        return self.decoder(self._encode(beats, training)[0], training=training)

    def _encode(self, beats, training):
        h = self.encoder(beats, training=training)
        if self.kind == "ae":
            return h, None, None
        mean, logvar = h[:, :self.latent_dim], h[:, self.latent_dim:]
        z = mean + tf.exp(0.5 * logvar) * tf.random.normal(tf.shape(mean))
        return z, mean, logvar

    def train_step(self, data):
        beats, _ = _split(data)
        g_vars = self.encoder.trainable_variables + self.decoder.trainable_variables
        with tf.GradientTape() as tape:
            z, mean, logvar = self._encode(beats, True)
            out = self.decoder(z, training=True)
            err = tf.abs(out - beats) if self.reconstruction == "l1" else tf.square(out - beats)
            recon = tf.reduce_mean(tf.reduce_mean(tf.reshape(err, [tf.shape(err)[0], -1]), axis=1))
            kl = tf.constant(0.0)
            loss = recon
            if self.kind == "vae":
                kl = tf.reduce_mean(-0.5 * tf.reduce_sum(1 + logvar - mean ** 2 - tf.exp(logvar), axis=1))
                loss = recon + self.beta * kl / tf.cast(tf.reduce_prod(tf.shape(beats)[1:]), tf.float32)
            elif self.kind == "aae":
                d_enc = self.discriminator(z, training=True)
                loss = (1 - self.adversarial_weight) * recon + self.adversarial_weight * _bce(tf.ones_like(d_enc), d_enc)
            scaled = training_loss(loss, self.g_optimizer)
        apply_gradients(tape, scaled, self.g_optimizer, g_vars)
        d_loss = tf.constant(0.0)
        if self.kind == "aae":
            prior = tf.random.normal(tf.shape(z))
            with tf.GradientTape() as tape:
                d_prior = self.discriminator(prior, training=True)
                d_enc = self.discriminator(tf.stop_gradient(z), training=True)
                d_loss = 0.5 * (_bce(tf.ones_like(d_prior), d_prior) + _bce(tf.zeros_like(d_enc), d_enc))
                scaled = training_loss(d_loss, self.d_optimizer)
            apply_gradients(tape, scaled, self.d_optimizer, self.discriminator.trainable_variables)
        return self._log({"g_loss": loss, "recon": recon, "kl": kl, "d_loss": d_loss})

    def fit_latent(self, beats: np.ndarray, batch_size: int = 512) -> None:
        """Plain AE only: set the sampler's Gaussian to the mean/std of the codes of ``beats``."""
        if self.kind != "ae":
            return
        codes = np.concatenate([self.encoder(beats[i:i + batch_size], training=False).numpy()
                                for i in range(0, len(beats), batch_size)])
        layer = self.generator.get_layer("latent")
        layer.mean.assign(codes.mean(0))
        layer.std.assign(codes.std(0) + 1e-6)

    def checkpoint_objects(self) -> dict:
        objs = {"generator": self.generator, "encoder": self.encoder, "g_optimizer": self.g_optimizer}
        if self.discriminator is not None:
            objs.update(discriminator=self.discriminator, d_optimizer=self.d_optimizer)
        return objs

    def optimizer_pairs(self):
        pairs = [(self.g_optimizer, _Variables(self.encoder.trainable_variables + self.decoder.trainable_variables))]
        if self.discriminator is not None:
            pairs.append((self.d_optimizer, self.discriminator))
        return pairs


class _Variables:
    """A stand-in with ``trainable_variables`` (for building optimizer slots before a restore)."""

    def __init__(self, variables):
        self.trainable_variables = variables
