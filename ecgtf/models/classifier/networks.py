"""The 12-lead classifier: a 1-D residual network in the style of Ribeiro et al. (Nat. Commun. 11, 1760,
2020), written for ecgtf.

Input ``(N, n_samples, n_leads)`` (channels last: per-lead z-scored signal, see
:mod:`.data`); output ``(N, n_classes)`` **logits** (multi-label: a sigmoid per class). Layout, as the
paper's Fig. 2 and its public description: Conv1D(64, k=16) → BatchNorm → ReLU, then four residual
units with (128, 196, 256, 320) filters, each down-sampling the time axis 4× — two Conv1D(k=16) on the
main path (the second strided), max-pooling + a 1×1 convolution on the skip path, full pre-activation
(BatchNorm → ReLU → Dropout after the sum) — then Flatten → Dense. No biases in the convolutions, He-
normal kernels. The paper's input is 4,096 samples at 400 Hz (10.24 s); ``n_samples`` must be divisible
by ``downsample ** 4``.
"""
from __future__ import annotations

from dataclasses import dataclass

from ecgtf.backend import keras


@dataclass(frozen=True)
class ResNetConfig:
    """Ribeiro et al.'s network; defaults are the paper's (dropout 0.8 is the rate its public Keras code uses)."""

    stem_filters: int = 64
    block_filters: tuple = (128, 196, 256, 320)
    kernel_size: int = 16
    downsample: int = 4
    dropout: float = 0.8
    width: float = 1.0
    """Filter-count multiplier (1.0 = the paper; smaller for CPU experiments)."""

    def filters(self, n: int) -> int:
        return max(4, int(round(n * self.width)))


def build_classifier(cfg: ResNetConfig, n_samples: int, n_leads: int, n_classes: int) -> keras.Model:
    """``(N, n_samples, n_leads)`` → logits ``(N, n_classes)`` (float32 under mixed precision too)."""
    step = cfg.downsample ** len(cfg.block_filters)
    if n_samples % step:
        raise ValueError(f"the classifier's input length ({n_samples} samples) must be a multiple of "
                         f"{cfg.downsample}^{len(cfg.block_filters)} = {step}")
    if not 0 <= cfg.dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), got {cfg.dropout}")
    init = "he_normal"
    conv = lambda f, s=1, k=cfg.kernel_size, name=None: keras.layers.Conv1D(  # noqa: E731
        f, k, strides=s, padding="same", use_bias=False, kernel_initializer=init, name=name)

    signal = keras.Input((n_samples, n_leads), name="signal")
    x = conv(cfg.filters(cfg.stem_filters), name="stem_conv")(signal)
    x = keras.layers.BatchNormalization(name="stem_bn")(x)
    x = keras.layers.ReLU(name="stem_relu")(x)
    skip = x
    for b, f in enumerate(cfg.block_filters):
        f = cfg.filters(f)
        y = keras.layers.MaxPooling1D(cfg.downsample, padding="same", name=f"res{b}_pool")(skip)
        if y.shape[-1] != f:
            y = conv(f, k=1, name=f"res{b}_proj")(y)
        x = conv(f, name=f"res{b}_conv1")(x)
        x = keras.layers.BatchNormalization(name=f"res{b}_bn1")(x)
        x = keras.layers.ReLU(name=f"res{b}_relu1")(x)
        if cfg.dropout:
            x = keras.layers.Dropout(cfg.dropout, name=f"res{b}_drop1")(x)
        x = conv(f, s=cfg.downsample, name=f"res{b}_conv2")(x)
        x = keras.layers.Add(name=f"res{b}_add")([x, y])
        skip = x
        x = keras.layers.BatchNormalization(name=f"res{b}_bn2")(x)
        x = keras.layers.ReLU(name=f"res{b}_relu2")(x)
        if cfg.dropout:
            x = keras.layers.Dropout(cfg.dropout, name=f"res{b}_drop2")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    logits = keras.layers.Dense(n_classes, kernel_initializer=init, name="logits", dtype="float32")(x)
    return keras.Model(signal, logits, name="ecg_resnet")
