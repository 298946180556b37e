"""CardioGAN (Sarkar & Etemad, "CardioGAN: Attentive Generative Adversarial Network with Dual
Discriminators for Synthesis of ECG from PPG", AAAI 2021) adapted, as in the EKGAN paper's comparison,
to Lead I → 12 leads in the (16, 512, 1) layout with the cycle training of :mod:`ecgtf.models.ekgan.baselines.cyclegan`.

- **Generator** (both directions): the authors' attention U-Net — six strided convolutions (64, 128,
  256, 512, 512, 512 filters, kernel 16 along time, stride 2; layer normalisation except on the first;
  LeakyReLU 0.2), a stride-1 transposed convolution, then five stride-2 transposed convolutions back
  (512, 512, 256, 128, 64; layer norm, ReLU), each followed by an additive attention gate on the
  matching encoder output (1×1 convolutions θ, φ, ψ with biases; ReLU, sigmoid) whose gated skip is
  *added*; a last stride-2 transposed convolution to one channel with tanh. The authors' 1-D kernels
  (1, 16) become (2, 16) over the 16-row image so that leads can mix (with (1, 16) a row would only
  see itself, and 11 of the 12 output rows would come from zeros). At width 1 this gives 54,715,847
  parameters, the reference code's count exactly (tested).
- **Dual discriminators** per domain: a time-domain one (the PatchGAN of
  :func:`ecgtf.models.ekgan.baselines.cyclegan.build_single_patch_discriminator`) and a frequency-domain one on
  each row's log-magnitude STFT (frame 64, hop 8 samples; rows as channels; 4 Conv2D 3×3 stride 2
  (64–512), layer norm, LeakyReLU 0.2, a 1-channel patch output).
- Loss (the paper): least-squares GAN on both discriminators, cycle consistency λ = 30.
"""
from __future__ import annotations

from dataclasses import dataclass

from ecgtf.backend import keras, tf
from ecgtf.kits.layers import float32_output, normal_init, scaled
from ecgtf.models.ekgan.baselines.cyclegan import CycleReconstructionGAN, build_single_patch_discriminator
from ecgtf.models.ekgan.networks import EkganConfig


@dataclass(frozen=True)
class CardioganConfig:
    """CardioGAN's generator; defaults are the authors' (filters, kernel 16, six levels)."""

    filters: tuple = (64, 128, 256, 512, 512, 512)
    kernel: tuple = (2, 16)
    width: float = 1.0
    rows: int = 16
    length: int = 512
    stft_frame: int = 64
    stft_hop: int = 8
    disc_filters: tuple = (64, 128, 256, 512)

    @classmethod
    def from_ekgan(cls, cfg: EkganConfig) -> "CardioganConfig":
        return cls(width=cfg.width, rows=cfg.rows, length=cfg.length)


def _attention(curr, conn, name):
    ch = curr.shape[-1]
    theta = keras.layers.Conv2D(ch, 1, kernel_initializer=normal_init(0.02), name=f"{name}_theta")(conn)
    phi = keras.layers.Conv2D(ch, 1, kernel_initializer=normal_init(0.02), name=f"{name}_phi")(curr)
    f = keras.layers.ReLU(name=f"{name}_relu")(keras.layers.Add(name=f"{name}_sum")([theta, phi]))
    rate = keras.layers.Conv2D(1, 1, activation="sigmoid", kernel_initializer=normal_init(0.02), name=f"{name}_psi")(f)
    return keras.layers.Multiply(name=f"{name}_gate")([conn, rate])


def build_attention_unet(cfg: CardioganConfig = CardioganConfig(), name: str = "cardiogan_generator"):
    """(N, 16, 512, 1) → [output (N, 16, 512, 1) in (−1, 1), bottleneck] (the reconstructors' generator API)."""
    f = [scaled(n, cfg.width) for n in cfg.filters]
    inp = keras.Input((cfg.rows, cfg.length, 1), name=f"{name}_input")
    h, skips = inp, []
    for k, n in enumerate(f):
        h = keras.layers.Conv2D(n, cfg.kernel, (1, 2), padding="same", use_bias=False, kernel_initializer=normal_init(0.02),
                                name=f"{name}_down{k}")(h)
        if k:
            h = keras.layers.LayerNormalization(name=f"{name}_down{k}_ln")(h)
        h = keras.layers.LeakyReLU(alpha=0.2, name=f"{name}_down{k}_lrelu")(h)
        skips.append(h)
    latent = h
    last = len(f) - 1
    for lvl in range(len(f)):
        n = f[last - lvl]
        stride = (1, 1) if lvl == 0 else (1, 2)
        h = keras.layers.Conv2DTranspose(n, cfg.kernel, stride, padding="same", use_bias=False,
                                         kernel_initializer=normal_init(0.02), name=f"{name}_up{lvl}")(h)
        h = keras.layers.LayerNormalization(name=f"{name}_up{lvl}_ln")(h)
        h = keras.layers.ReLU(name=f"{name}_up{lvl}_relu")(h)
        h = keras.layers.Add(name=f"{name}_up{lvl}_skip")([h, _attention(h, skips[last - lvl], f"{name}_att{lvl}")])
    out = keras.layers.Conv2DTranspose(1, cfg.kernel, (1, 2), padding="same", kernel_initializer=normal_init(0.02),
                                       activation="tanh", name=f"{name}_out")(h)
    return keras.Model(inp, [float32_output(out, f"{name}_out"), latent], name=name)


class _LogStft(keras.layers.Layer):
    """(N, rows, T, 1) → log(1 + |STFT|) per row, as (N, frames, bins, rows)."""

    def __init__(self, frame: int, hop: int, **kwargs):
        super().__init__(**kwargs)
        self.frame, self.hop = frame, hop

    def call(self, x):
        s = tf.signal.stft(tf.cast(x[..., 0], tf.float32), self.frame, self.hop, fft_length=self.frame)
        return tf.transpose(tf.math.log1p(tf.abs(s)), (0, 2, 3, 1))

    def get_config(self):
        return {**super().get_config(), "frame": self.frame, "hop": self.hop}


def build_frequency_discriminator(cfg: CardioganConfig = CardioganConfig(), name: str = "frequency_discriminator"):
    """(N, 16, 512, 1) → patch outputs on the rows' log-magnitude spectrograms."""
    img = keras.Input((cfg.rows, cfg.length, 1), name=f"{name}_input")
    x = _LogStft(cfg.stft_frame, cfg.stft_hop, name=f"{name}_stft")(img)
    for i, n in enumerate(cfg.disc_filters):
        x = keras.layers.Conv2D(scaled(n, cfg.width), 3, 2, padding="same", use_bias=False,
                                kernel_initializer=normal_init(0.02), name=f"{name}_conv{i}")(x)
        if i:
            x = keras.layers.LayerNormalization(name=f"{name}_ln{i}")(x)
        x = keras.layers.LeakyReLU(alpha=0.2, name=f"{name}_lrelu{i}")(x)
    out = keras.layers.Conv2D(1, 3, padding="same", kernel_initializer=normal_init(0.02), name=f"{name}_out")(x)
    return keras.Model(img, float32_output(out, f"{name}_out"), name=name)


def build_time_discriminator(config: EkganConfig, name: str = "time_discriminator"):
    return build_single_patch_discriminator(config, name)


class CardioGAN(CycleReconstructionGAN):
    """CardioGAN's training model (attention U-Nets both ways, time + frequency discriminators per domain)."""

    def __init__(self, config: EkganConfig = EkganConfig(), **kwargs):
        cfg = CardioganConfig.from_ekgan(config)
        super().__init__(build_attention_unet(cfg, "generator_xy"), build_attention_unet(cfg, "generator_yx"),
                         [build_time_discriminator(config, "time_discriminator_y"),
                          build_frequency_discriminator(cfg, "frequency_discriminator_y")],
                         [build_time_discriminator(config, "time_discriminator_x"),
                          build_frequency_discriminator(cfg, "frequency_discriminator_x")], **kwargs)
        self.config = config
