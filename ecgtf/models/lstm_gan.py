"""LSTM-GAN ("ecgGAN", TF2 notebook): a BiLSTM-CNN generator of single ECG beats and a CNN critic.

Generator (474,097 parameters): noise (N, 100, 12) → Bidirectional LSTM(64, sequences) →
Conv1D 128, 64 (kernel 16, same) + LeakyReLU(0.3) → UpSampling1D(2) → Conv1D 32, 16 + LeakyReLU →
UpSampling1D(2) → Conv1D 1 (tanh) → Permute → beat (N, 1, 400) (0.8 s at 500 Hz, in units of
2173 raw LUDB counts).
Discriminator (714,721): (N, 1, 400) → Permute → Conv1D 32, 64 + LeakyReLU → MaxPool(2) →
Conv1D 128, 256 + LeakyReLU → MaxPool(2) → Flatten → Dense(1) logits.

:func:`load_original_weights` loads the original project's ``.h5`` files (Keras 2.3) into these
models, checking every layer's shapes, so users can bring their trained weights along.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ecgtf.backend import keras, tf
from ecgtf.models.layers import apply_gradients, float32_output, training_loss


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


class WeightsFileError(ValueError):
    """An .h5 weights file is unreadable or does not fit the model."""


def _h5_layer_weights(path: Path) -> list[tuple[str, list[np.ndarray]]]:
    import h5py

    if not path.exists():
        raise WeightsFileError(f"{path}: file not found")
    try:
        with h5py.File(path, "r") as f:
            group = f["model_weights"] if "model_weights" in f else f
            names = [n.decode() if isinstance(n, bytes) else str(n) for n in group.attrs["layer_names"]]
            layers = []
            for name in names:
                g = group[name]
                wnames = [w.decode() if isinstance(w, bytes) else str(w) for w in g.attrs.get("weight_names", [])]
                if wnames:
                    layers.append((name, [np.asarray(g[w]) for w in wnames]))
            return layers
    except WeightsFileError:
        raise
    except (OSError, KeyError) as exc:
        raise WeightsFileError(f"{path}: not a readable Keras .h5 weights/model file ({type(exc).__name__}: {exc})") from exc


def load_original_weights(model: keras.Model, path: str | Path) -> keras.Model:
    """Load the original ecgGAN ``.h5`` (``generator_80e.h5`` / ``discriminator_80e.h5``) into ``model``.

    Layers with weights are matched in order; every array's shape is checked first and a
    :class:`WeightsFileError` names the first layer that differs (e.g. a file of another
    architecture). Returns ``model``.
    """
    path = Path(path)
    saved = _h5_layer_weights(path)
    ours = [layer for layer in model.layers if layer.weights]
    if len(saved) != len(ours):
        raise WeightsFileError(f"{path}: {len(saved)} layers with weights ({[n for n, _ in saved]}), but "
                               f"{model.name} expects {len(ours)} ({[layer.name for layer in ours]})")
    for (name, arrays), layer in zip(saved, ours):
        expected = [tuple(w.shape) for w in layer.weights]
        got = [a.shape for a in arrays]
        if expected != got:
            raise WeightsFileError(f"{path}: layer {name!r} has weight shapes {got}, but {model.name}'s layer "
                                   f"{layer.name!r} expects {expected}")
    for (_, arrays), layer in zip(saved, ours):
        layer.set_weights(arrays)
    return model


def load_original_generator(path: str | Path) -> keras.Model:
    return load_original_weights(build_generator(), path)


def load_original_discriminator(path: str | Path) -> keras.Model:
    return load_original_weights(build_discriminator(), path)


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


_bce = keras.losses.BinaryCrossentropy(from_logits=True)


class LSTMGAN(keras.Model):
    """LSTM-GAN training model: ``compile(g_optimizer, d_optimizer)``, ``fit()`` on real beats (N, 1, 400)."""

    def __init__(self, config: LstmGanConfig = LstmGanConfig(), **kwargs):
        super().__init__(**kwargs)
        self.config = config
        self.generator = build_generator(config)
        self.discriminator = build_discriminator(config)
        self._trackers = {n: keras.metrics.Mean(name=n) for n in ("g_loss", "d_loss", "d_real", "d_fake")}

    def compile(self, g_optimizer, d_optimizer, **kwargs):
        super().compile(**kwargs)
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer

    @property
    def metrics(self):
        return list(self._trackers.values())

    def call(self, noise, training=False):
        return self.generator(noise, training=training)

    def train_step(self, real):
        batch = tf.shape(real)[0]
        noise = tf.random.normal((batch,) + self.config.noise_shape)
        with tf.GradientTape(persistent=True) as tape:
            fake = self.generator(noise, training=True)
            d_real = self.discriminator(real, training=True)
            d_fake = self.discriminator(fake, training=True)
            d_loss = _bce(tf.ones_like(d_real), d_real) + _bce(tf.zeros_like(d_fake), d_fake)
            g_loss = _bce(tf.ones_like(d_fake), d_fake)
            g_train = training_loss(g_loss, self.g_optimizer)
            d_train = training_loss(d_loss, self.d_optimizer)
        apply_gradients(tape, d_train, self.d_optimizer, self.discriminator.trainable_variables)
        apply_gradients(tape, g_train, self.g_optimizer, self.generator.trainable_variables)
        del tape
        logs = {"g_loss": g_loss, "d_loss": d_loss, "d_real": tf.reduce_mean(tf.sigmoid(d_real)),
                "d_fake": tf.reduce_mean(tf.sigmoid(d_fake))}
        for k, v in logs.items():
            self._trackers[k].update_state(v)
        return {k: t.result() for k, t in self._trackers.items()}

    def checkpoint_objects(self) -> dict:
        return {"generator": self.generator, "g_optimizer": self.g_optimizer,
                "discriminator": self.discriminator, "d_optimizer": self.d_optimizer}

