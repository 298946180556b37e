"""EKGAN (Joo et al., MICCAI 2023): 12-lead ECG from Lead I.

Three networks over the (16, 512, 1) layout of :mod:`ecgtf.models.ekgan.preprocessing`:

- **inference generator** (IG): a 2-D U-Net. Encoder Conv2D 64-128-256-512-1024, kernel (2, 4),
  strides 2, 2, 2, 2, (1, 2), BatchNorm (not on the first block) + LeakyReLU(0.3); decoder
  Conv2DTranspose 512-256-128-64-1 with strides (1, 2), 2, 2, 2, 2, BatchNorm + ReLU, skip
  concatenations, linear output. Returns (output (N, 16, 512, 1), latent (N, 1, 16, 1024)).
- **label generator** (LG): the same without skip connections. Its latent guides the IG's.
- **discriminator**: a 1-D U-Net along time (kernels (1, 64), (1, 32), (1, 16), (1, 8), (1, 4),
  strides 4, 4, 4, 2, 2, 32…512 filters) on the concatenated (input, candidate) pair; returns
  per-sample logits (N, 16, 512, 1).

Convolutions have no bias and N(0, 0.02) kernels. With the paper's widths the parameter counts
equal the original code's: 12,530,432 / 11,153,664 / 2,438,784.

Options beyond the paper (off by default): ``width`` scales every filter count (CPU training and
small on-device models); ``physics_head`` makes the IG predict II and V1–V6 only and derive III,
aVR, aVL, aVF from I (taken from the input) and II, so the limb-lead laws hold by construction
(use with ``normalization="fixed"`` preprocessing, where the laws hold in the data).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from ecgtf.backend import keras, tf
from ecgtf.kits.layers import float32_output, normal_init, scaled


@dataclass(frozen=True)
class EkganConfig:
    """EKGAN architecture; defaults are the paper's (and the original code's)."""

    rows: int = 16
    length: int = 512
    encoder_filters: tuple[int, ...] = (64, 128, 256, 512, 1024)
    decoder_filters: tuple[int, ...] = (512, 256, 128, 64)
    kernel: tuple[int, int] = (2, 4)
    strides: tuple = (2, 2, 2, 2, (1, 2))
    disc_filters: tuple[int, ...] = (32, 64, 128, 256, 512)
    disc_kernels: tuple[int, ...] = (64, 32, 16, 8, 4)
    disc_strides: tuple[int, ...] = (4, 4, 4, 2, 2)
    leaky_slope: float = 0.3
    """Keras 2's ``Activation('LeakyReLU')`` default, used by the original code."""
    init_std: float = 0.02
    width: float = 1.0
    physics_head: bool = False
    pad_rows: int = 2
    norm: str = "batch"
    """Generator normalisation: ``batch`` (EKGAN, Pix2Pix) or ``instance`` (the CycleGAN baseline: per-sample
    statistics, no moving averages, so every parameter is trainable — 12,524,672 at width 1)."""

    def __post_init__(self) -> None:
        if self.norm not in ("batch", "instance"):
            raise ValueError(f"norm must be 'batch' or 'instance', got {self.norm!r}")
        if not 0 < self.width <= 4:
            raise ValueError(f"width must be in (0, 4], got {self.width}")
        if self.rows != 12 + 2 * self.pad_rows:
            raise ValueError(f"rows ({self.rows}) must be 12 + 2·pad_rows ({12 + 2 * self.pad_rows})")
        if self.length % 32:
            raise ValueError(f"length must be a multiple of 32 for the U-Net strides, got {self.length}")

    @property
    def input_shape(self) -> tuple[int, int, int]:
        return (self.rows, self.length, 1)

    @property
    def latent_shape(self) -> tuple[int, int, int]:
        return (1, self.length // 32, scaled(self.encoder_filters[-1], self.width))

    def to_dict(self) -> dict:
        return asdict(self)



def _leaky(cfg: EkganConfig, name: str):
    return keras.layers.LeakyReLU(alpha=cfg.leaky_slope, name=name)


def _norm(cfg: EkganConfig, name: str):
    """BatchNorm, or instance norm (``GroupNormalization`` with a group per channel) for ``norm="instance"``."""
    if cfg.norm == "instance":
        return keras.layers.GroupNormalization(groups=-1, name=name.replace("_bn", "_in"))
    return keras.layers.BatchNormalization(name=name)


def _encoder(x, cfg: EkganConfig, prefix: str):
    skips = []
    for i, (f, s) in enumerate(zip(cfg.encoder_filters, cfg.strides)):
        x = keras.layers.Conv2D(scaled(f, cfg.width), cfg.kernel, s, padding="same", use_bias=False,
                                kernel_initializer=normal_init(cfg.init_std), name=f"{prefix}_enc{i}_conv")(x)
        if i:
            x = _norm(cfg, f"{prefix}_enc{i}_bn")(x)
        x = _leaky(cfg, f"{prefix}_enc{i}_lrelu")(x)
        skips.append(x)
    return x, skips


def _skip(skip, scales, k: int, name: str):
    """Skip tensor ``k`` (0 = deepest concat), multiplied by ``scales[k]`` when given (export-time only)."""
    if scales is None:
        return skip
    return keras.layers.Rescaling(float(scales[k]), name=name)(skip)


def _decoder(x, skips, cfg: EkganConfig, prefix: str, use_skips: bool, skip_scales=None):
    dec_strides = list(reversed(cfg.strides))  # (1, 2), 2, 2, 2, 2
    for i, f in enumerate(cfg.decoder_filters):
        if i and use_skips:
            skip = _skip(skips[-i - 1], skip_scales, i - 1, f"{prefix}_dec{i}_skip_scale")
            x = keras.layers.Concatenate(name=f"{prefix}_dec{i}_concat")([x, skip])
        x = keras.layers.Conv2DTranspose(scaled(f, cfg.width), cfg.kernel, dec_strides[i], padding="same",
                                         use_bias=False, kernel_initializer=normal_init(cfg.init_std),
                                         name=f"{prefix}_dec{i}_deconv")(x)
        x = _norm(cfg, f"{prefix}_dec{i}_bn")(x)
        x = keras.layers.ReLU(name=f"{prefix}_dec{i}_relu")(x)
    if use_skips:
        skip = _skip(skips[0], skip_scales, len(cfg.decoder_filters) - 1, f"{prefix}_out_skip_scale")
        x = keras.layers.Concatenate(name=f"{prefix}_out_concat")([x, skip])
    return keras.layers.Conv2DTranspose(1, cfg.kernel, dec_strides[-1], padding="same", use_bias=False,
                                        kernel_initializer=normal_init(cfg.init_std), name=f"{prefix}_out")(x)


@keras.utils.register_keras_serializable(package="ecgtf")
class PhysicsHead(keras.layers.Layer):
    """Assemble the 16-row output from Lead I (input row 2), II and V1–V6 (predicted rows 3, 8–13).

    III = II − I, aVR = −(I + II)/2, aVL = I − II/2, aVF = II − I/2; padding rows are zero.
    Inputs: [model input (N, 16, T, 1), raw prediction (N, 16, T, 1)] → (N, 16, T, 1). No weights.
    """

    def __init__(self, pad_rows: int = 2, **kwargs):
        super().__init__(**kwargs)
        self.pad_rows = pad_rows

    def call(self, inputs):
        x, raw = inputs
        p = self.pad_rows
        lead_i = tf.cast(x[:, p:p + 1], raw.dtype)
        lead_ii = raw[:, p + 1:p + 2]
        chest = raw[:, p + 6:p + 12]
        iii = lead_ii - lead_i
        avr = -0.5 * (lead_i + lead_ii)
        avl = lead_i - 0.5 * lead_ii
        avf = lead_ii - 0.5 * lead_i
        zeros = tf.zeros_like(lead_i)
        rows = [zeros] * p + [lead_i, lead_ii, iii, avr, avl, avf, chest] + [zeros] * p
        return tf.concat(rows, axis=1)

    def get_config(self):
        return {**super().get_config(), "pad_rows": self.pad_rows}


def _generator(cfg: EkganConfig, prefix: str, use_skips: bool, name: str, skip_scales=None):
    inputs = keras.Input(cfg.input_shape, name=f"{prefix}_input")
    latent, skips = _encoder(inputs, cfg, prefix)
    out = _decoder(latent, skips, cfg, prefix, use_skips, skip_scales)
    if cfg.physics_head and use_skips:
        out = PhysicsHead(cfg.pad_rows, name=f"{prefix}_physics_head")([inputs, out])
    return keras.Model(inputs, [float32_output(out, f"{prefix}_output"), float32_output(latent, f"{prefix}_latent")],
                       name=name)


def build_inference_generator(cfg: EkganConfig = EkganConfig(), skip_scales=None) -> keras.Model:
    """IG: (N, 16, 512, 1) → [(N, 16, 512, 1), latent (N, 1, 16, 1024·width)].

    ``skip_scales`` (4 floats, deepest concatenation first) inserts weight-free multiplications on
    the skip connections; only :func:`ecgtf.models.ekgan.quantization.equalize_skip_ranges` uses it.
    """
    return _generator(cfg, "ig", use_skips=True, name="inference_generator", skip_scales=skip_scales)


def build_label_generator(cfg: EkganConfig = EkganConfig()) -> keras.Model:
    """LG: same shapes as the IG, no skip connections (and never a physics head)."""
    return _generator(cfg, "lg", use_skips=False, name="label_generator")


def build_discriminator(cfg: EkganConfig = EkganConfig()) -> keras.Model:
    """1-D U-Net discriminator: [input, candidate] each (N, 16, 512, 1) → logits (N, 16, 512, 1)."""
    inp = keras.Input(cfg.input_shape, name="d_input")
    cand = keras.Input(cfg.input_shape, name="d_candidate")
    x = keras.layers.Concatenate(name="d_pair")([inp, cand])
    skips = []
    for i, (f, k, s) in enumerate(zip(cfg.disc_filters, cfg.disc_kernels, cfg.disc_strides)):
        x = keras.layers.Conv2D(scaled(f, cfg.width), (1, k), (1, s), padding="same", use_bias=False,
                                kernel_initializer=normal_init(cfg.init_std), name=f"d_enc{i}_conv")(x)
        if i:
            x = keras.layers.BatchNormalization(name=f"d_enc{i}_bn")(x)
        x = _leaky(cfg, f"d_enc{i}_lrelu")(x)
        skips.append(x)
    ks, ss = list(reversed(cfg.disc_kernels)), list(reversed(cfg.disc_strides))  # 4,8,16,32,64 / 2,2,4,4,4
    dec_filters = [scaled(f, cfg.width) for f in reversed(cfg.disc_filters[:-1])]  # 256,128,64,32
    for i, f in enumerate(dec_filters):
        if i:
            x = keras.layers.Concatenate(name=f"d_dec{i}_concat")([x, skips[-i - 1]])
        x = keras.layers.Conv2DTranspose(f, (1, ks[i]), (1, ss[i]), padding="same", use_bias=False,
                                         kernel_initializer=normal_init(cfg.init_std), name=f"d_dec{i}_deconv")(x)
        x = keras.layers.BatchNormalization(name=f"d_dec{i}_bn")(x)
        x = keras.layers.ReLU(name=f"d_dec{i}_relu")(x)
    x = keras.layers.Concatenate(name="d_out_concat")([x, skips[0]])
    logits = keras.layers.Conv2DTranspose(1, (1, ks[-1]), (1, ss[-1]), padding="same", use_bias=False,
                                          kernel_initializer=normal_init(cfg.init_std), name="d_out")(x)
    return keras.Model([inp, cand], float32_output(logits, "d_logits"), name="discriminator")
