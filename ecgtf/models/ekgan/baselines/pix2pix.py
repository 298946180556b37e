"""Pix2Pix baseline for Lead I → 12 leads (as in the EKGAN paper's comparison).

Generator: the EKGAN inference-generator U-Net (its latent output unused). Discriminator: the
original code's PatchGAN on the (input, candidate) pair — Conv2D 64-128-256 (kernel (2, 4),
stride 2) + BatchNorm + LeakyReLU(0.3), ZeroPadding, Conv2D 512 (stride 1), ZeroPadding, Conv2D 1
(with bias) → (N, 5, 65, 1) logits; 1,384,961 parameters at width 1. The original applies a
sigmoid and BCE; ecgtf returns logits and uses BCE from logits (the same loss, numerically safer).
Loss: BCE_adv + λ·L1 with λ = 100 (Isola et al.).
"""
from __future__ import annotations

from ecgtf.backend import keras, tf
from ecgtf.kits.gan import ReconstructionGAN
from ecgtf.kits.layers import apply_gradients, float32_output, normal_init, scaled, training_loss
from ecgtf.models.ekgan.model import adversarial_loss, l1
from ecgtf.models.ekgan.networks import EkganConfig, build_inference_generator


def build_patchgan_discriminator(cfg: EkganConfig = EkganConfig()) -> keras.Model:
    """[input, candidate] (N, 16, 512, 1) each → PatchGAN logits (N, 5, 65, 1)."""
    inp = keras.Input(cfg.input_shape, name="p_input")
    cand = keras.Input(cfg.input_shape, name="p_candidate")
    x = keras.layers.Concatenate(name="p_pair")([inp, cand])
    for i, f in enumerate((64, 128, 256)):
        x = keras.layers.Conv2D(scaled(f, cfg.width), (2, 4), 2, padding="same", use_bias=False,
                                kernel_initializer=normal_init(cfg.init_std), name=f"p_conv{i}")(x)
        if i:
            x = keras.layers.BatchNormalization(name=f"p_bn{i}")(x)
        x = keras.layers.LeakyReLU(alpha=cfg.leaky_slope, name=f"p_lrelu{i}")(x)
    x = keras.layers.ZeroPadding2D(name="p_pad0")(x)
    x = keras.layers.Conv2D(scaled(512, cfg.width), (2, 4), 1, padding="same", use_bias=False,
                            kernel_initializer=normal_init(cfg.init_std), name="p_conv3")(x)
    x = keras.layers.BatchNormalization(name="p_bn3")(x)
    x = keras.layers.LeakyReLU(alpha=cfg.leaky_slope, name="p_lrelu3")(x)
    x = keras.layers.ZeroPadding2D(name="p_pad1")(x)
    logits = keras.layers.Conv2D(1, (2, 4), 1, kernel_initializer=normal_init(cfg.init_std), name="p_logits")(x)
    return keras.Model([inp, cand], float32_output(logits, "p_logits"), name="patchgan_discriminator")


class Pix2Pix(ReconstructionGAN):
    """Pix2Pix training model (``fit()`` on (input, target) pairs); calling it runs the generator."""

    loss_names = ("g_loss", "g_adv", "g_l1", "d_loss")

    def __init__(self, config: EkganConfig = EkganConfig(), **kwargs):
        super().__init__(**kwargs)
        self.config = config
        self.inference_generator = build_inference_generator(config)
        self.discriminator = build_patchgan_discriminator(config)

    def compile(self, g_optimizer, d_optimizer, lambda_l1: float = 100.0, **kwargs):
        super().compile(**kwargs)
        self.g_optimizer, self.d_optimizer, self.lambda_l1 = g_optimizer, d_optimizer, float(lambda_l1)

    def train_step(self, data):
        x, y = data
        with tf.GradientTape(persistent=True) as tape:
            out = self(x, training=True)
            d_real = self.discriminator([x, y], training=True)
            d_fake = self.discriminator([x, out], training=True)
            g_adv = adversarial_loss(d_fake, True)
            g_l1 = l1(y, out)
            g_loss = g_adv + self.lambda_l1 * g_l1
            d_loss = adversarial_loss(d_real, True) + adversarial_loss(d_fake, False)
            g_train = training_loss(g_loss, self.g_optimizer)
            d_train = training_loss(d_loss, self.d_optimizer)
        apply_gradients(tape, g_train, self.g_optimizer, self.inference_generator.trainable_variables)
        apply_gradients(tape, d_train, self.d_optimizer, self.discriminator.trainable_variables)
        del tape
        return self._report({"g_loss": g_loss, "g_adv": g_adv, "g_l1": g_l1, "d_loss": d_loss})

    def checkpoint_objects(self) -> dict:
        return {"inference_generator": self.inference_generator, "g_optimizer": self.g_optimizer,
                "discriminator": self.discriminator, "d_optimizer": self.d_optimizer}

    def optimizer_pairs(self):
        """(optimizer, network) pairs whose slots must exist before a checkpoint restore."""
        return [(self.g_optimizer, self.inference_generator), (self.d_optimizer, self.discriminator)]

