"""The ecgGAN networks (TF2 notebook; the LSTM-GAN of :mod:`ecgtf.models.lstm_gan`): a BiLSTM-CNN generator of single ECG beats and a CNN critic.

Generator (474,097 parameters): noise (N, 100, 12) → Bidirectional LSTM(64, sequences) →
Conv1D 128, 64 (kernel 16, same) + LeakyReLU(0.3) → UpSampling1D(2) → Conv1D 32, 16 + LeakyReLU →
UpSampling1D(2) → Conv1D 1 (tanh) → Permute → beat (N, 1, 400) (0.8 s at 500 Hz, in units of
2173 raw LUDB counts).
Discriminator (714,721): (N, 1, 400) → Permute → Conv1D 32, 64 + LeakyReLU → MaxPool(2) →
Conv1D 128, 256 + LeakyReLU → MaxPool(2) → Flatten → Dense(1) logits.

:func:`ecgtf.models.lstm_gan.weights.load_original_weights` loads the original project's ``.h5`` files (Keras 2.3) into these
models, checking every layer's shapes, so users can bring their trained weights along.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ecgtf.backend import keras
from ecgtf.kits.layers import float32_output


@dataclass(frozen=True)
class LstmGanConfig:
    noise_steps: int = 100
    noise_channels: int = 12
    lstm_units: int = 64
    gen_filters: tuple[int, ...] = (128, 64, 32, 16)
    disc_filters: tuple[int, ...] = (32, 64, 128, 256)
    kernel: int = 16
    beat_length: int = 400
    leaky_slope: float = 0.3

    @property
    def noise_shape(self) -> tuple[int, int]:
        return (self.noise_steps, self.noise_channels)

    def to_dict(self) -> dict:
        return asdict(self)


def build_generator(cfg: LstmGanConfig = LstmGanConfig()) -> keras.Model:
    """Noise (N, 100, 12) → beat (N, 1, 400)."""
    if cfg.noise_steps * 4 != cfg.beat_length:
        raise ValueError(f"beat_length ({cfg.beat_length}) must be 4 × noise_steps ({cfg.noise_steps})")
    z = keras.Input(cfg.noise_shape, name="noise")
    x = keras.layers.Bidirectional(keras.layers.LSTM(cfg.lstm_units, return_sequences=True), name="g_bilstm")(z)
    f = cfg.gen_filters
    for i, filters in enumerate(f):
        x = keras.layers.Conv1D(filters, cfg.kernel, padding="same", name=f"g_conv{i}")(x)
        x = keras.layers.LeakyReLU(alpha=cfg.leaky_slope, name=f"g_lrelu{i}")(x)
        if i in (1, 3):
            x = keras.layers.UpSampling1D(2, name=f"g_up{i // 2}")(x)
    x = keras.layers.Conv1D(1, cfg.kernel, padding="same", activation="tanh", name="g_out")(x)
    beat = keras.layers.Permute((2, 1), name="g_permute")(x)
    return keras.Model(z, float32_output(beat, "g_beat"), name="lstm_gan_generator")


def build_discriminator(cfg: LstmGanConfig = LstmGanConfig()) -> keras.Model:
    """Beat (N, 1, 400) → logits (N, 1)."""
    beat = keras.Input((1, cfg.beat_length), name="beat")
    x = keras.layers.Permute((2, 1), name="d_permute")(beat)
    for i, filters in enumerate(cfg.disc_filters):
        x = keras.layers.Conv1D(filters, cfg.kernel, padding="same", name=f"d_conv{i}")(x)
        x = keras.layers.LeakyReLU(alpha=cfg.leaky_slope, name=f"d_lrelu{i}")(x)
        if i in (1, 3):
            x = keras.layers.MaxPooling1D(2, name=f"d_pool{i // 2}")(x)
    x = keras.layers.Flatten(name="d_flatten")(x)
    logits = keras.layers.Dense(1, name="d_logits")(x)
    return keras.Model(beat, float32_output(logits, "d_logits"), name="lstm_gan_discriminator")


def check_noise(noise, cfg: LstmGanConfig = LstmGanConfig()) -> np.ndarray:
    """Validate a noise batch: float array of shape (N, 100, 12); raises ``ValueError`` saying what was expected."""
    noise = np.asarray(noise)
    if not np.issubdtype(noise.dtype, np.floating):
        raise ValueError(f"noise must be a float array (N(0, 1) samples), got dtype {noise.dtype}")
    if noise.ndim != 3 or noise.shape[1:] != cfg.noise_shape:
        raise ValueError(f"noise must have shape (N, {cfg.noise_steps}, {cfg.noise_channels}), got {noise.shape}")
    return noise.astype(np.float32)


def generate_beats(generator: keras.Model, n: int | None = None, noise=None, seed: int = 0,
                   batch_size: int = 256) -> np.ndarray:
    """Beats (N, 400) from N(0, 1) noise (or the given ``noise`` (N, 100, 12))."""
    if noise is None:
        if n is None or n < 1:
            raise ValueError("give n >= 1 or a noise array")
        noise = np.random.default_rng(seed).standard_normal((n,) + tuple(generator.input_shape[1:]))
    noise = check_noise(noise, LstmGanConfig(noise_steps=generator.input_shape[1], noise_channels=generator.input_shape[2]))
    out = [generator(noise[i:i + batch_size], training=False).numpy() for i in range(0, len(noise), batch_size)]
    return np.concatenate(out)[:, 0, :]
