"""LSTM/BiLSTM generators × LSTM/CNN discriminators of Delaney, Brophy & Ward (arXiv:1909.09150, 2019).

Paper: generators of two stacked LSTM layers (50 hidden units) reading a noise sequence and a
fully connected output per step; discriminators either an LSTM or a CNN (convolution stride 4 +
max-pool 3, optionally a second convolution stride 3 + max-pool 3, 10 filters of width 3, then
one fully connected output); MIT-BIH beats resampled 360 → 125 Hz (187 samples); metrics MMD and
DTW. Variants (``--variant``): ``lstm_cnn``, ``bilstm_cnn`` (default), ``lstm_lstm``, ``bilstm_lstm``.
The paper also tried minibatch discrimination; its authors report it did not converge on ECG, so
it is not offered. Their beats keep MIT-BIH's raw ADC units (no 200 adu/mV gain); here beats are
min-max scaled to [0, 1] so that all bench models share one output range (a deliberate deviation).

Shapes: noise (N, 187, 1) → beats (N, 187).
"""
from __future__ import annotations

from dataclasses import dataclass

from ecgtf.backend import keras
from ecgtf.data.mitdb_beats import BeatWindowConfig
from ecgtf.kits.beatgen import blocks
from ecgtf.kits.beatgen.engine import BeatGAN
from ecgtf.kits.beatgen.trainer import BeatGenTraining
from ecgtf.kits.layers import float32_output


@dataclass(frozen=True)
class LstmCnnGansConfig:
    variant: str = "bilstm_cnn"
    length: int = 187
    hidden: int = 50
    """Hidden units of each of the generator's two LSTM layers (per direction for BiLSTM)."""
    cnn_layers: int = 2
    cnn_filters: int = 10
    cnn_kernel: int = 3
    cnn_strides: tuple[int, int] = (4, 3)
    cnn_pool: int = 3
    disc_lstm_units: int = 50
    n_classes: int = 0


CONFIG = LstmCnnGansConfig
VARIANTS = {"lstm_cnn": {}, "bilstm_cnn": {}, "lstm_lstm": {}, "bilstm_lstm": {}}
WINDOW = BeatWindowConfig(lead="MLII", before=31, after=156, fs=125.0, classes=("N",), normalization="minmax")
"""Normal beats (the paper generates normal ECG), 1.5 s at 125 Hz = 187 samples, R at 0.25 s."""
TRAINING = BeatGenTraining(epochs=30, batch_size=50, lr=2e-4, beta1=0.5)


def lstm_discriminator(length: int, units: int) -> keras.Model:
    b = keras.Input((length,), name="beat")
    h = blocks.recurrent("lstm", units, "d_lstm", return_sequences=False)(blocks.as_sequence(b, length, name="d"))
    return keras.Model(b, float32_output(keras.layers.Dense(1, name="d_logits")(h), "d_logits"), name="lstm_discriminator")


def cnn_discriminator(cfg: LstmCnnGansConfig) -> keras.Model:
    """The paper's CNN: [Conv1D(10, 3, stride s) + ReLU + MaxPool(3, 3)] × cnn_layers → Dense(1)."""
    b = keras.Input((cfg.length,), name="beat")
    x = blocks.as_sequence(b, cfg.length, name="d")
    for i in range(cfg.cnn_layers):
        x = keras.layers.Conv1D(cfg.cnn_filters, cfg.cnn_kernel, strides=cfg.cnn_strides[i], activation="relu",
                                name=f"d_conv{i}")(x)
        x = keras.layers.MaxPooling1D(cfg.cnn_pool, strides=cfg.cnn_pool, padding="same", name=f"d_pool{i}")(x)
    x = keras.layers.Flatten(name="d_flatten")(x)
    return keras.Model(b, float32_output(keras.layers.Dense(1, name="d_logits")(x), "d_logits"), name="cnn_discriminator")


def build_model(cfg: LstmCnnGansConfig) -> BeatGAN:
    gen_kind, disc_kind = cfg.variant.split("_")
    if gen_kind not in ("lstm", "bilstm") or disc_kind not in ("lstm", "cnn"):
        raise ValueError(f"unknown variant {cfg.variant!r}; expected one of {sorted(VARIANTS)}")
    g = blocks.recurrent_generator(cfg.length, 1, cfg.hidden, 2, "lstm", bidirectional=gen_kind == "bilstm",
                                   activation=None, name=f"{gen_kind}_generator")
    d = cnn_discriminator(cfg) if disc_kind == "cnn" else lstm_discriminator(cfg.length, cfg.disc_lstm_units)
    return BeatGAN(g, d, (cfg.length, 1))
