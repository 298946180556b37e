"""Pulse2Pulse (Thambawita et al., "DeepFake electrocardiograms using generative adversarial networks are
the beginning of the end for privacy issues in medicine", Sci. Rep. 11, 21896, 2021) in Keras.

- Generator: a 1-D U-Net from uniform noise U(−1, 1) of the output's shape to 8 independent leads
  (I, II, V1–V6). Encoder: Conv1D (kernel 25, zero padding 12, strides 2·5·2·5·5·5, channels d/5, d/2,
  d, 3d, 5d, 5d; leaky ReLU 0.01). Decoder: nearest up-sampling by the same factors in reverse, zero
  padding 12, Conv1D kernel 25 (ReLU; tanh at the end), with the encoder's outputs of levels 5 … 2
  concatenated before each up-sampling (level 1 is not skipped). d = ``model_size`` = 50.
- Discriminator (critic): WaveGAN's (Donahue et al. 2019): Conv1D kernel 25, padding 11, strides
  2, 2, 2, 2, 4, 4, 4, channels d·(1, 2, 5, 10, 20, 25, 100), leaky ReLU 0.2, phase shuffle (±2 samples,
  reflect padding) after every layer but the last, one linear output.
- Loss: WGAN-GP (λ = 10), 5 critic steps per generator step, Adam 1e-4, β = (0.5, 0.9), batch 32.

Tensors are channels-last: ``(N, length, 8)``; the four other leads follow from Einthoven's and
Goldberger's laws (:func:`ecgtf.leads.complete_from_independent`), so they hold exactly. The paper
works at 500 Hz × 5,000 samples (its critic alone has ~190 M parameters); the ``cpu`` variant keeps the
generator at d = 50 and works at 100 Hz × 1,000 samples with a 16-wide six-layer critic, sized for
training on two CPU cores.

The published PyTorch module builds an unused ``ConvTranspose1d`` beside every decoder convolution, a
``Linear(100, 500)`` and a 512-tap post-filter that ``forward`` never calls: its state dict holds
10,590,997 numbers, of which the 6,617,728 here are the ones the forward pass uses.
"""
from __future__ import annotations

from dataclasses import dataclass

from ecgtf.backend import keras, tf
from ecgtf.kits.beatgen.engine import BeatGAN
from ecgtf.kits.layers import float32_output
from ecgtf.leads import INDEPENDENT_LEADS

L = keras.layers

N_INDEPENDENT = len(INDEPENDENT_LEADS)
"""Independent leads the generator writes: I, II, V1–V6."""


@dataclass(frozen=True)
class Pulse2PulseConfig:
    """Architecture; defaults are the paper's (500 Hz × 5,000 samples, d = 50)."""

    variant: str = "paper"
    length: int = 5000
    fs: float = 500.0
    model_size: int = 50
    kernel: int = 25
    encoder_strides: tuple[int, ...] = (2, 5, 2, 5, 5, 5)
    encoder_channels: tuple[float, ...] = (0.2, 0.5, 1.0, 3.0, 5.0, 5.0)
    """Multiples of ``model_size`` (the paper's d/5, d/2, d, 3d, 5d, 5d)."""
    disc_model_size: int = 50
    disc_strides: tuple[int, ...] = (2, 2, 2, 2, 4, 4, 4)
    disc_channels: tuple[int, ...] = (1, 2, 5, 10, 20, 25, 100)
    critic_pool: int = 1
    """The critic sees the output average-pooled by this factor (5: a 500 Hz output judged at 100 Hz)."""
    shift_factor: int = 2
    leaky_generator: float = 0.01
    leaky_critic: float = 0.2
    gp_weight: float = 10.0
    n_critic: int = 5

    def __post_init__(self):
        if len(self.encoder_strides) != len(self.encoder_channels) or len(self.encoder_strides) < 2:
            raise ValueError("encoder_strides and encoder_channels need the same length (≥ 2)")
        if len(self.disc_strides) != len(self.disc_channels):
            raise ValueError("disc_strides and disc_channels need the same length")
        total = 1
        for s in self.encoder_strides:
            total *= s
        if self.length % total:
            raise ValueError(f"length {self.length} must be a multiple of the generator's total stride {total} "
                             f"(strides {self.encoder_strides})")
        if self.critic_pool < 1 or self.length % self.critic_pool:
            raise ValueError(f"critic_pool {self.critic_pool} must be ≥ 1 and divide the length {self.length}")
        if min(self.channels) < 1:
            raise ValueError(f"model_size {self.model_size} gives an empty encoder layer ({self.channels})")

    @property
    def channels(self) -> tuple[int, ...]:
        return tuple(int(self.model_size * m) for m in self.encoder_channels)


VARIANTS = {
    "paper": {},
    "cpu": dict(length=1000, fs=100.0, encoder_strides=(2, 5, 2, 5, 5), encoder_channels=(0.2, 0.5, 1.0, 3.0, 5.0),
                disc_model_size=16, disc_strides=(2, 2, 2, 2, 4, 4), disc_channels=(1, 2, 5, 10, 20, 25)),
    "finetune": dict(critic_pool=5, disc_model_size=16, disc_strides=(2, 2, 2, 2, 4, 4),
                     disc_channels=(1, 2, 5, 10, 20, 25)),
}
"""``paper``: the published sizes. ``cpu``: 100 Hz × 1,000 samples (what the synthesis protocol looks at),
the paper's generator width, a 4.9 M-parameter critic. ``finetune``: the paper's generator (500 Hz × 5,000,
so that it can start from the published weights, ``--init-generator``) with the ``cpu`` critic judging
its output average-pooled to 100 Hz: trainable on two CPU cores."""


def _conv(filters: int, kernel: int, stride: int, pad: int, name: str):
    """Zero padding ``pad`` on both sides, then a 'valid' convolution (PyTorch's ``Conv1d(padding=pad)``)."""
    def apply(x):
        x = L.ZeroPadding1D(pad, name=f"{name}_pad")(x)
        return L.Conv1D(filters, kernel, strides=stride, name=name)(x)
    return apply


def generator(cfg: Pulse2PulseConfig) -> keras.Model:
    """noise (N, length, 8) in U(−1, 1) → leads I, II, V1–V6 (N, length, 8) in (−1, 1) (model units)."""
    pad = cfg.kernel // 2
    noise = keras.Input((cfg.length, N_INDEPENDENT), name="noise")
    x, levels = noise, []
    for i, (ch, s) in enumerate(zip(cfg.channels, cfg.encoder_strides), start=1):
        x = L.LeakyReLU(cfg.leaky_generator, name=f"enc{i}_act")(_conv(ch, cfg.kernel, s, pad, f"enc{i}")(x))
        levels.append(x)
    n = len(levels)
    for j in range(n, 0, -1):
        if 1 < j < n:
            x = L.Concatenate(name=f"dec{j}_skip")([x, levels[j - 1]])
        x = L.UpSampling1D(cfg.encoder_strides[j - 1], name=f"dec{j}_up")(x)
        out = cfg.channels[j - 2] if j > 1 else N_INDEPENDENT
        x = _conv(out, cfg.kernel, 1, pad, f"dec{j}")(x)
        x = L.Activation("relu" if j > 1 else "tanh", name=f"dec{j}_act")(x)
    return keras.Model(noise, float32_output(x, "leads"), name="pulse2pulse_generator")


class PhaseShuffle(L.Layer):
    """Shift each example along time by a random integer in [−n, n], reflect-padded (WaveGAN); identity
    at inference."""

    def __init__(self, shift: int, **kwargs):
        super().__init__(**kwargs)
        self.shift = int(shift)

    def call(self, x, training=None):
        if not training or self.shift == 0:
            return x
        n, length = tf.shape(x)[0], tf.shape(x)[1]
        padded = tf.pad(x, [[0, 0], [self.shift, self.shift], [0, 0]], mode="REFLECT")
        offset = tf.random.uniform([n, 1], 0, 2 * self.shift + 1, dtype=tf.int32)
        return tf.gather(padded, offset + tf.range(length)[None, :], batch_dims=1)

    def get_config(self):
        return {**super().get_config(), "shift": self.shift}


def discriminator(cfg: Pulse2PulseConfig) -> keras.Model:
    """leads (N, length, 8) → critic score (N, 1) (of the leads average-pooled by ``critic_pool``)."""
    x_in = keras.Input((cfg.length, N_INDEPENDENT), name="leads")
    x = L.AveragePooling1D(cfg.critic_pool, name="d_pool")(x_in) if cfg.critic_pool > 1 else x_in
    last = len(cfg.disc_strides)
    for i, (mult, s) in enumerate(zip(cfg.disc_channels, cfg.disc_strides), start=1):
        x = L.LeakyReLU(cfg.leaky_critic, name=f"d{i}_act")(
            _conv(cfg.disc_model_size * mult, cfg.kernel, s, cfg.kernel // 2 - 1, f"d{i}")(x))
        if i < last:
            x = PhaseShuffle(cfg.shift_factor, name=f"d{i}_shuffle")(x)
    score = L.Dense(1, name="d_score")(L.Flatten(name="d_flat")(x))
    return keras.Model(x_in, float32_output(score, "d_out"), name="pulse2pulse_critic")


def build_model(cfg: Pulse2PulseConfig):
    """The WGAN-GP training model (:class:`ecgtf.kits.beatgen.engine.BeatGAN`) with U(−1, 1) noise."""

    return BeatGAN(generator(cfg), discriminator(cfg), (cfg.length, N_INDEPENDENT), loss="wgan-gp",
                   n_critic=cfg.n_critic, gp_weight=cfg.gp_weight, noise="uniform")
