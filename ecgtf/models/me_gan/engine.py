"""ME-GAN as a ``keras.Model``: ``compile(g_optimizer, d_optimizer)``, ``fit()`` on (beats, conditions).

Per step (batch of real beats x (N, 12, L) with conditions c (N, 3); fake x̂ = G(z, c̃), c̃ drawn from the
batch's own conditions, shuffled):
- major discriminator D (LSGAN, a = 1, b = 0; paper Eq. 5): ½(D(x) − 1)² + ½ D(x̂)² +
  ``aux_weight`` · BCE(aux(x), c) (the auxiliary classifier learns on real beats only);
- view discriminator V (trained with D's optimizer): the views of a batch are permuted by one random
  permutation and cropped to ``view_crop`` samples at a random offset; V predicts each view's
  (cos θ, cos φ′/2): MSE on real beats;
- generator: ½(D(x̂) − 1)² + ``aux_weight`` · BCE(aux(x̂), c̃) (through D's classifier, whose weights
  only D's step changes: the stop-gradient of the paper) + ``view_weight`` · max(0, MSE_V(x̂) − MSE_V(x)),
  the gap between V's error on fake and on real views under the same permutation and crop (our reading
  of the paper's Eq. 8, whose text is not available here: the generator is asked to make its views as
  recognisable as real ones, not more).
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ecgtf.backend import keras, tf
from ecgtf.kits.beatgen.engine import TwoNetworkGAN
from ecgtf.kits.layers import apply_gradients, training_loss
from ecgtf.runs import Run

from .data import CONDITIONS
from .networks import MeganConfig, build_discriminator, build_generator, build_view_discriminator, view_targets

_bce = keras.losses.BinaryCrossentropy(from_logits=True)


class MeGAN(TwoNetworkGAN):
    def __init__(self, generator, discriminator, view_discriminator, config, **kwargs):
        super().__init__(**kwargs)
        self.generator, self.discriminator, self.view_discriminator = generator, discriminator, view_discriminator
        self.config = config
        self.targets = tf.constant(view_targets())
        self._init_trackers(("g_loss", "d_loss", "d_real", "d_fake", "aux_real", "aux_fake", "view_real",
                             "view_fake"))

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    @property
    def d_variables(self):
        return self.discriminator.trainable_variables + (
            self.view_discriminator.trainable_variables if self.config.view_weight > 0 else [])

    def checkpoint_objects(self) -> dict:
        return {**super().checkpoint_objects(), "view_discriminator": self.view_discriminator}

    def optimizer_pairs(self):
        return [(self.g_optimizer, self.generator),
                (self.d_optimizer, SimpleNamespace(trainable_variables=self.d_variables))]

    def _view_batch(self, n):
        """One random permutation of the views and one random crop offset per sample."""
        cfg = self.config
        perm = tf.random.shuffle(tf.range(cfg.n_views))
        offsets = tf.random.uniform((n,), 0, cfg.length - cfg.view_crop + 1, dtype=tf.int32)
        positions = offsets[:, None] + tf.range(cfg.view_crop)[None, :]
        return perm, positions

    def _view_error(self, beats, perm, positions, training):
        views = tf.gather(beats, perm, axis=1)                                   # (N, V, L)
        crops = tf.gather(views, positions, axis=2, batch_dims=1)                # (N, V, l)
        pred = self.view_discriminator([crops, positions], training=training)    # (N, V, 2)
        return tf.reduce_mean(tf.square(pred - tf.gather(self.targets, perm)[None]))

    def train_step(self, data):
        real, cond = data
        real = tf.cast(real, tf.float32)
        cond = tf.cast(cond, tf.float32)
        n = tf.shape(real)[0]
        cfg = self.config
        z = tf.random.normal((n, cfg.z_dim))
        fake_cond = tf.gather(cond, tf.random.shuffle(tf.range(n)))
        perm, positions = self._view_batch(n)
        a = cfg.lsgan_a

        with tf.GradientTape() as tape:
            fake = self.generator([z, fake_cond], training=True)
            s_real, logits_real = self.discriminator(real, training=True)
            s_fake, _ = self.discriminator(fake, training=True)
            d_real = tf.reduce_mean(tf.square(s_real - a))
            d_fake = tf.reduce_mean(tf.square(s_fake))
            aux_real = _bce(cond, logits_real)
            d_loss = 0.5 * (d_real + d_fake) + cfg.aux_weight * aux_real
            view_real = (self._view_error(real, perm, positions, True) if cfg.view_weight > 0
                         else tf.constant(0.0))
            d_total = d_loss + view_real
            scaled = training_loss(d_total, self.d_optimizer)
        apply_gradients(tape, scaled, self.d_optimizer, self.d_variables)

        z = tf.random.normal((n, cfg.z_dim))
        with tf.GradientTape() as tape:
            fake = self.generator([z, fake_cond], training=True)
            s_fake, logits_fake = self.discriminator(fake, training=True)
            adv = 0.5 * tf.reduce_mean(tf.square(s_fake - a))
            aux_fake = _bce(fake_cond, logits_fake)
            g_loss = adv + cfg.aux_weight * aux_fake
            view_fake = tf.constant(0.0)
            if cfg.view_weight > 0:
                view_fake = self._view_error(fake, perm, positions, True)
                g_loss += cfg.view_weight * tf.nn.relu(view_fake - tf.stop_gradient(view_real))
            scaled = training_loss(g_loss, self.g_optimizer)
        apply_gradients(tape, scaled, self.g_optimizer, self.generator.trainable_variables)
        return self._log({"g_loss": g_loss, "d_loss": d_loss, "d_real": d_real, "d_fake": d_fake,
                          "aux_real": aux_real, "aux_fake": aux_fake, "view_real": view_real,
                          "view_fake": view_fake})

    def test_step(self, data):
        """Validation: the auxiliary classifier's BCE on held-out real beats (``aux_real``) and the view
        discriminator's error on them (``view_real``); the generator is judged by the bench."""
        real, cond = data
        real, cond = tf.cast(real, tf.float32), tf.cast(cond, tf.float32)
        _, logits = self.discriminator(real, training=False)
        perm, positions = self._view_batch(tf.shape(real)[0])
        view = (self._view_error(real, perm, positions, False) if self.config.view_weight > 0
                else tf.constant(0.0))
        self._log({"aux_real": _bce(cond, logits), "view_real": view})
        return {k: self._trackers[k].result() for k in ("aux_real", "view_real")}


def sample(generator, conditions: np.ndarray, seed: int = 0, batch: int = 64) -> np.ndarray:
    """Beats (N, 12, L) for conditions (N, 3), noise from ``seed``."""
    conditions = np.asarray(conditions, np.float32)
    z = np.random.default_rng(seed).standard_normal((len(conditions), int(generator.inputs[0].shape[-1])))
    out = [generator([z[i:i + batch].astype(np.float32), conditions[i:i + batch]], training=False).numpy()
           for i in range(0, len(conditions), batch)]
    return np.concatenate(out) if out else np.zeros((0,) + tuple(generator.outputs[0].shape[1:]), np.float32)


def condition_matrix(condition, n: int) -> np.ndarray:
    """``"RBBB"``, ``"LAD+RBBB"``, ``"none"`` or a (3,) / (n, 3) array → (n, 3) float32 conditions."""

    if isinstance(condition, str):
        names = [] if condition.lower() in ("", "none") else [c.strip().upper() for c in condition.split("+")]
        bad = [c for c in names if c not in CONDITIONS]
        if bad:
            raise ValueError(f"unknown condition(s) {bad}: expected 'none' or '+'-joined names of {CONDITIONS}")
        condition = [float(c in names) for c in CONDITIONS]
    cond = np.asarray(condition, np.float32)
    if cond.shape == (len(CONDITIONS),):
        cond = np.repeat(cond[None], n, axis=0)
    if cond.shape != (n, len(CONDITIONS)):
        raise ValueError(f"conditions of shape {cond.shape}: expected ({len(CONDITIONS)},) or ({n}, {len(CONDITIONS)})")
    return cond


def generate(run, condition="none", n: int = 1, seed: int = 0) -> np.ndarray:
    """``n`` beats (n, 12, 512) in [0, 1] of a trained run (a :class:`ecgtf.runs.Run` or its path) for
    ``condition`` (see :func:`condition_matrix`), e.g. ``generate("runs/me-gan", "RBBB", 8)``."""

    run = run if isinstance(run, Run) else Run(run)
    return sample(run.generator("final"), condition_matrix(condition, n), seed=seed)


def build_model(config: MeganConfig):
    return MeGAN(build_generator(config), build_discriminator(config), build_view_discriminator(config), config)
