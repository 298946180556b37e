"""A class-conditional time-series GAN after Ehrhart et al., "A conditional GAN for generating time
series data for stress detection in wearable physiological sensor data" (Sensors 22(16), 5969, 2022):
an LSTM generator and a fully convolutional discriminator, both given the class; here the class
is the MIT-BIH beat type (N, L, R, V, A) instead of stress.

Generator: noise (N, L, 4) with the one-hot class repeated over time → LSTM(64) × 2 → Dense(1) per
step → beats (N, L). Discriminator (FCN, Wang et al. 2017): beat + class channels → Conv1D 128 (8),
256 (5), 128 (3), each BatchNorm + ReLU → global average pooling → Dense(1). Sizes not given in the
paper's text available offline are ours (fields of :class:`ConditionalBeatGanConfig`).
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
class ConditionalBeatGanConfig:
    variant: str = "lstm_fcn"
    length: int = 256
    noise_channels: int = 4
    lstm_units: int = 64
    lstm_layers: int = 2
    fcn_filters: tuple[int, ...] = (128, 256, 128)
    fcn_kernels: tuple[int, ...] = (8, 5, 3)
    n_classes: int = 5


CONFIG = ConditionalBeatGanConfig
VARIANTS = {"lstm_fcn": {}}
WINDOW = BeatWindowConfig(lead="MLII", before=90, after=166, fs=360.0, classes=("N", "S", "V"),
                          symbols=("N", "L", "R", "V", "A"), normalization="minmax")
TRAINING = BeatGenTraining(epochs=30, batch_size=64, lr=2e-4, beta1=0.5)


def fcn_discriminator(cfg: ConditionalBeatGanConfig) -> keras.Model:
    ins, b, c = blocks.inputs((cfg.length,), cfg.n_classes, "beat")
    x = blocks.as_sequence(b, cfg.length, c, "d")
    for i, (f, k) in enumerate(zip(cfg.fcn_filters, cfg.fcn_kernels)):
        x = keras.layers.Conv1D(f, k, padding="same", name=f"d_conv{i}")(x)
        x = keras.layers.BatchNormalization(name=f"d_bn{i}")(x)
        x = keras.layers.ReLU(name=f"d_act{i}")(x)
    x = keras.layers.GlobalAveragePooling1D(name="d_gap")(x)
    return keras.Model(ins, float32_output(keras.layers.Dense(1, name="d_logits")(x), "d_logits"), name="fcn_discriminator")


def build_model(cfg: ConditionalBeatGanConfig) -> BeatGAN:
    if cfg.variant != "lstm_fcn":
        raise ValueError(f"unknown variant {cfg.variant!r}; expected lstm_fcn")
    if cfg.n_classes < 2:
        raise ValueError(f"a class-conditional GAN needs at least 2 classes, got {cfg.n_classes}")
    g = blocks.recurrent_generator(cfg.length, cfg.noise_channels, cfg.lstm_units, cfg.lstm_layers, "lstm",
                                   n_classes=cfg.n_classes, activation="tanh", name="conditional_lstm_generator")
    return BeatGAN(g, fcn_discriminator(cfg), (cfg.length, cfg.noise_channels), n_classes=cfg.n_classes)
