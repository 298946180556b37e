"""CycleGAN (Zhu et al., ICCV 2017) as the EKGAN paper's unpaired baseline for Lead I → 12 leads.

Domains, both in the (16, 512, 1) layout of :mod:`ecgtf.models.ekgan.preprocessing`: X = a 12-lead
image with only Lead I kept (the others zero-padded, ``input_layout="zero_padded"``), Y = the 12
leads. Generators G: X → Y (the reconstructor, ``inference_generator``) and F: Y → X are the EKGAN
inference-generator U-Net with instance instead of batch normalisation (``EkganConfig(norm="instance")``:
12,524,672 parameters each at width 1, all trainable, as the reference code's CycleGAN generator). Discriminators: the Pix2Pix PatchGAN on a single image with instance
normalisation (1,382,657 parameters at width 1, as the reference code).

*Unpaired*: in every step the targets are shuffled across the batch before any loss sees them, so
no loss ever pairs a Lead I with its own 12 leads. Losses (Zhu et al.'s defaults): least-squares
GAN, cycle consistency λ = 10 (L1), no identity loss (the two domains differ in layout).
"""
from __future__ import annotations

from ecgtf.backend import keras, tf
from ecgtf.kits.gan import ReconstructionGAN
from ecgtf.kits.layers import apply_gradients, float32_output, normal_init, scaled, training_loss
from ecgtf.models.ekgan.networks import EkganConfig, build_inference_generator


def build_single_patch_discriminator(cfg: EkganConfig = EkganConfig(), name: str = "patch_discriminator"):
    """One image (N, 16, 512, 1) → PatchGAN logits (N, 5, 65, 1): the Pix2Pix PatchGAN of
    :mod:`ecgtf.models.ekgan.baselines.pix2pix` on one image, instance-normalised (``GroupNormalization`` with one
    group per channel: per-sample, per-channel statistics, learnt scale and offset)."""
    img = keras.Input(cfg.input_shape, name=f"{name}_input")
    x = img
    for i, f in enumerate((64, 128, 256)):
        x = keras.layers.Conv2D(scaled(f, cfg.width), (2, 4), 2, padding="same", use_bias=False,
                                kernel_initializer=normal_init(cfg.init_std), name=f"{name}_conv{i}")(x)
        if i:
            x = keras.layers.GroupNormalization(groups=-1, name=f"{name}_in{i}")(x)
        x = keras.layers.LeakyReLU(alpha=cfg.leaky_slope, name=f"{name}_lrelu{i}")(x)
    x = keras.layers.ZeroPadding2D(name=f"{name}_pad0")(x)
    x = keras.layers.Conv2D(scaled(512, cfg.width), (2, 4), 1, padding="same", use_bias=False,
                            kernel_initializer=normal_init(cfg.init_std), name=f"{name}_conv3")(x)
    x = keras.layers.GroupNormalization(groups=-1, name=f"{name}_in3")(x)
    x = keras.layers.LeakyReLU(alpha=cfg.leaky_slope, name=f"{name}_lrelu3")(x)
    x = keras.layers.ZeroPadding2D(name=f"{name}_pad1")(x)
    logits = keras.layers.Conv2D(1, (2, 4), 1, kernel_initializer=normal_init(cfg.init_std), name=f"{name}_logits")(x)
    return keras.Model(img, float32_output(logits, f"{name}_logits"), name=name)


def lsgan(outputs, real: bool):
    """Least-squares GAN loss of discriminator outputs against 1 (real) or 0 (fake)."""
    o = tf.cast(outputs, tf.float32)
    return tf.reduce_mean(tf.square(o - (1.0 if real else 0.0)))


def _out(generator, x, training):
    return generator(x, training=training)[0]


class CycleReconstructionGAN(ReconstructionGAN):
    """Unpaired cycle-consistent training of G: X → Y (``inference_generator``) and F: Y → X, with a
    list of discriminators per domain (CycleGAN: one PatchGAN each; CardioGAN: time + frequency)."""

    loss_names = ("g_loss", "g_adv", "cycle", "d_loss")

    def __init__(self, forward, backward, discriminators_y, discriminators_x, **kwargs):
        super().__init__(**kwargs)
        self.inference_generator, self.backward_generator = forward, backward
        self.discriminators_y, self.discriminators_x = list(discriminators_y), list(discriminators_x)

    def compile(self, g_optimizer, d_optimizer, lambda_cycle: float = 10.0, **kwargs):
        super().compile(**kwargs)
        self.g_optimizer, self.d_optimizer, self.lambda_cycle = g_optimizer, d_optimizer, float(lambda_cycle)

    @property
    def discriminator_variables(self):
        return [v for d in (*self.discriminators_y, *self.discriminators_x) for v in d.trainable_variables]

    @property
    def generator_variables(self):
        return self.inference_generator.trainable_variables + self.backward_generator.trainable_variables

    def train_step(self, data):
        x, y = data
        y = tf.random.shuffle(y)  # unpaired: no loss sees a Lead I with its own 12 leads
        with tf.GradientTape(persistent=True) as tape:
            fake_y = _out(self.inference_generator, x, True)
            fake_x = _out(self.backward_generator, y, True)
            cyc_x = _out(self.backward_generator, fake_y, True)
            cyc_y = _out(self.inference_generator, fake_x, True)
            g_adv = tf.add_n([lsgan(d(fake_y, training=True), True) for d in self.discriminators_y]
                             + [lsgan(d(fake_x, training=True), True) for d in self.discriminators_x])
            cycle = tf.reduce_mean(tf.abs(tf.cast(cyc_x, tf.float32) - tf.cast(x, tf.float32))) + \
                tf.reduce_mean(tf.abs(tf.cast(cyc_y, tf.float32) - tf.cast(y, tf.float32)))
            g_loss = g_adv + self.lambda_cycle * cycle
            d_terms = [lsgan(d(y, training=True), True) + lsgan(d(tf.stop_gradient(fake_y), training=True), False)
                       for d in self.discriminators_y]
            d_terms += [lsgan(d(x, training=True), True) + lsgan(d(tf.stop_gradient(fake_x), training=True), False)
                        for d in self.discriminators_x]
            d_loss = 0.5 * tf.add_n(d_terms)
            g_train = training_loss(g_loss, self.g_optimizer)
            d_train = training_loss(d_loss, self.d_optimizer)
        apply_gradients(tape, g_train, self.g_optimizer, self.generator_variables)
        apply_gradients(tape, d_train, self.d_optimizer, self.discriminator_variables)
        del tape
        return self._report({"g_loss": g_loss, "g_adv": g_adv, "cycle": cycle, "d_loss": d_loss})

    def checkpoint_objects(self) -> dict:
        objs = {"inference_generator": self.inference_generator, "backward_generator": self.backward_generator,
                "g_optimizer": self.g_optimizer, "d_optimizer": self.d_optimizer}
        for i, d in enumerate(self.discriminators_y):
            objs[f"discriminator_y{i}"] = d
        for i, d in enumerate(self.discriminators_x):
            objs[f"discriminator_x{i}"] = d
        return objs

    def optimizer_pairs(self):
        """(optimizer, variables holder) pairs whose slots must exist before a restore."""
        class _Vars:
            def __init__(self, variables):
                self.trainable_variables = variables
        return [(self.g_optimizer, _Vars(self.generator_variables)),
                (self.d_optimizer, _Vars(self.discriminator_variables))]


class CycleGAN(CycleReconstructionGAN):
    """The EKGAN paper's CycleGAN baseline (see the module docstring)."""

    def __init__(self, config: EkganConfig = EkganConfig(norm="instance"), **kwargs):
        super().__init__(build_inference_generator(config),
                         build_inference_generator(config),
                         [build_single_patch_discriminator(config, "discriminator_y")],
                         [build_single_patch_discriminator(config, "discriminator_x")], **kwargs)
        self.config = config
