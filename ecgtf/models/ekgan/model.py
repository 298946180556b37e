"""The EKGAN training model (``compile`` with three optimizers + ``train_step``, trained with ``fit()``)."""
from __future__ import annotations

from ecgtf.backend import keras, tf
from ecgtf.kits.gan import ReconstructionGAN
from ecgtf.kits.layers import apply_gradients, training_loss
from ecgtf.models.ekgan.networks import (
    EkganConfig,
    build_discriminator,
    build_inference_generator,
    build_label_generator,
)

_bce = keras.losses.BinaryCrossentropy(from_logits=True, reduction="none")


def adversarial_loss(logits, target_is_real: bool, label_smoothing: float = 0.0):
    """Mean BCE of discriminator logits against all-real (1 − smoothing) or all-fake (0) labels."""
    value = 1.0 - label_smoothing if target_is_real else 0.0
    labels = tf.fill(tf.shape(logits), tf.constant(value, logits.dtype))
    return tf.reduce_mean(_bce(labels, logits))


def l1(a, b):
    return tf.reduce_mean(tf.abs(tf.cast(a, tf.float32) - tf.cast(b, tf.float32)))


class EKGAN(ReconstructionGAN):
    """The EKGAN training model, trained with ``fit()`` on (input, target) pairs.

    ``compile(ig_optimizer, lg_optimizer, d_optimizer, ...)`` takes the three optimizers.
    Per step: IG loss = BCE_adv + λ·L1(target, IG) + α·L1(latent_IG, latent_LG); LG loss =
    L1(LG input, LG output); D loss = BCE(real) + BCE(fake). Each loss updates only its own
    network (as the original's three tapes). Ablations: ``use_label_generator=False`` drops the
    LG and the latent loss, ``use_discriminator=False`` drops the adversarial term.
    Calling the model runs the IG and returns the reconstruction only.
    """

    loss_names = ("g_loss", "g_adv", "g_l1", "g_latent", "lg_l1", "d_loss")

    def __init__(self, config: EkganConfig = EkganConfig(), use_label_generator: bool = True,
                 use_discriminator: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.config = config
        self.use_label_generator = use_label_generator
        self.use_discriminator = use_discriminator
        self.inference_generator = build_inference_generator(config)
        self.label_generator = build_label_generator(config) if use_label_generator else None
        self.discriminator = build_discriminator(config) if use_discriminator else None

    def compile(self, ig_optimizer, lg_optimizer=None, d_optimizer=None, lambda_l1: float = 50.0,
                alpha_latent: float = 1.0, label_input: str = "input", label_smoothing: float = 0.0, **kwargs):
        """``label_input``: what the LG reconstructs — ``"input"`` (the original code) or ``"target"`` (the paper's text)."""
        super().compile(**kwargs)
        if label_input not in ("input", "target"):
            raise ValueError(f"label_input must be 'input' or 'target', got {label_input!r}")
        if self.use_label_generator and lg_optimizer is None:
            raise ValueError("lg_optimizer is required when the label generator is used")
        if self.use_discriminator and d_optimizer is None:
            raise ValueError("d_optimizer is required when the discriminator is used")
        self.ig_optimizer, self.lg_optimizer, self.d_optimizer = ig_optimizer, lg_optimizer, d_optimizer
        self.lambda_l1, self.alpha_latent = float(lambda_l1), float(alpha_latent)
        self.label_input, self.label_smoothing = label_input, float(label_smoothing)

    @property
    def optimizers(self):
        return [o for o in (self.ig_optimizer, self.lg_optimizer, self.d_optimizer) if o is not None]

    def train_step(self, data):
        x, y = data
        with tf.GradientTape(persistent=True) as tape:
            ig_out, ig_latent = self.inference_generator(x, training=True)
            g_l1 = l1(y, ig_out)
            g_loss = self.lambda_l1 * g_l1
            logs = {"g_l1": g_l1}
            if self.use_discriminator:
                d_real = self.discriminator([x, y], training=True)
                d_fake = self.discriminator([x, ig_out], training=True)
                g_adv = adversarial_loss(d_fake, True)
                d_loss = adversarial_loss(d_real, True, self.label_smoothing) + adversarial_loss(d_fake, False)
                g_loss += g_adv
                logs.update(g_adv=g_adv, d_loss=d_loss)
            if self.use_label_generator:
                lg_in = x if self.label_input == "input" else y
                lg_out, lg_latent = self.label_generator(lg_in, training=True)
                lg_loss = l1(lg_in, lg_out)
                g_latent = l1(ig_latent, tf.stop_gradient(lg_latent))
                g_loss += self.alpha_latent * g_latent
                logs.update(lg_l1=lg_loss, g_latent=g_latent)
            logs["g_loss"] = g_loss
            g_train = training_loss(g_loss, self.ig_optimizer)
            lg_train = training_loss(lg_loss, self.lg_optimizer) if self.use_label_generator else None
            d_train = training_loss(d_loss, self.d_optimizer) if self.use_discriminator else None
        apply_gradients(tape, g_train, self.ig_optimizer, self.inference_generator.trainable_variables)
        if self.use_label_generator:
            apply_gradients(tape, lg_train, self.lg_optimizer, self.label_generator.trainable_variables)
        if self.use_discriminator:
            apply_gradients(tape, d_train, self.d_optimizer, self.discriminator.trainable_variables)
        del tape
        return self._report(logs)

    def checkpoint_objects(self) -> dict:
        """Everything a checkpoint must hold to resume: the networks and their optimizers."""
        objs = {"inference_generator": self.inference_generator, "ig_optimizer": self.ig_optimizer}
        if self.use_label_generator:
            objs.update(label_generator=self.label_generator, lg_optimizer=self.lg_optimizer)
        if self.use_discriminator:
            objs.update(discriminator=self.discriminator, d_optimizer=self.d_optimizer)
        return objs

    def optimizer_pairs(self):
        """(optimizer, network) pairs whose slots must exist before a checkpoint restore."""
        pairs = [(self.ig_optimizer, self.inference_generator)]
        if self.use_label_generator:
            pairs.append((self.lg_optimizer, self.label_generator))
        if self.use_discriminator:
            pairs.append((self.d_optimizer, self.discriminator))
        return pairs
