"""The denoisers of Wang et al., "Deep convolutional generative adversarial network with LSTM for ECG
denoising" (Comput. Math. Methods Med. 2023, 6737102), and their GAN baselines.

Every generator maps a noisy fragment (N, L) in mV to a denoised one (N, L) in mV. It removes the
fragment's mean first, works on the centred signal, and returns a zero-mean estimate plus the input's
mean (the level of the recording is kept; the DC of a fragment carries no ECG information).

Variants (``--variant``):
- ``lstm_dcgan`` (the paper): a convolutional encoder–decoder (Conv1D stride 2 down, Conv1DTranspose
  up, skip connections) with an LSTM layer after every convolutional layer, which links the
  convolutional features in time order;
- ``dcgan``: the same encoder–decoder without the LSTMs (the DCGAN baseline);
- ``lstm_gan``: a recurrent generator, two bidirectional LSTM layers over the samples (the LSTM-GAN
  baseline).
Discriminator (all): Conv1D stack (stride 2, LeakyReLU 0.2) → Dense(1) logit over the candidate
fragment, conditioned on the noisy input (both as channels), as in conditional-GAN denoisers.
Loss: non-saturating GAN + ``content_weight`` × L1 between the centred output and the centred clean
fragment. The paper's text available here (its abstract) gives neither layer sizes nor loss weights:
these defaults are ours, sized to train on a 2-core CPU, and are saved with every run.
"""
from __future__ import annotations

from dataclasses import dataclass

from ecgtf.backend import keras, tf
from ecgtf.kits.layers import float32_output

from .data import DenoiseWindow
from .engine import DenoiserGAN

L = keras.layers


@dataclass(frozen=True)
class DenoiserConfig:
    """Architecture. Shapes: noisy (N, length) mV → denoised (N, length) mV."""

    variant: str = "lstm_dcgan"
    length: int = 1024
    filters: tuple[int, ...] = (16, 32, 48, 64)
    """Channels of the encoder's Conv1D layers (each halves the time axis); the decoder mirrors them."""
    kernel_size: int = 16
    lstm: bool = True
    """An LSTM (units = the layer's channels) after every convolutional layer (the paper's change to DCGAN)."""
    skips: bool = True
    recurrent_units: int = 32
    """``lstm_gan``: units of each direction of its two BiLSTM layers."""
    recurrent_layers: int = 2
    discriminator_filters: tuple[int, ...] = (16, 32, 64, 64)
    conditional_discriminator: bool = True
    content_weight: float = 100.0
    """Weight of the L1 content loss against the adversarial loss (1)."""
    residual: bool = False
    """Ours, not the paper's: the network estimates the noise and the generator returns input − noise
    (residual learning, as DnCNN), so a clean input passes through unless the network sees noise."""

    def __post_init__(self) -> None:
        if self.variant not in VARIANTS:
            raise ValueError(f"unknown denoiser variant {self.variant!r}; expected one of {sorted(VARIANTS)}")
        if self.length % (2 ** len(self.filters)):
            raise ValueError(f"length {self.length} must be divisible by 2^{len(self.filters)} (one halving per "
                             "encoder layer)")
        if self.content_weight < 0:
            raise ValueError(f"content_weight must be ≥ 0, got {self.content_weight}")


CONFIG = DenoiserConfig
VARIANTS = {"lstm_dcgan": {"lstm": True}, "dcgan": {"lstm": False}, "lstm_gan": {}}
WINDOW = DenoiseWindow()


class WindowMean(L.Layer):
    """(N, L) → (N, 1): the mean of each fragment."""

    def call(self, x):
        return tf.reduce_mean(x, axis=1, keepdims=True)


def _conv_core(x, cfg: DenoiserConfig):
    skips = []
    for i, f in enumerate(cfg.filters):
        x = L.Conv1D(f, cfg.kernel_size, strides=2, padding="same", name=f"enc{i}_conv")(x)
        x = L.LeakyReLU(0.2, name=f"enc{i}_act")(x)
        if cfg.lstm:
            x = L.LSTM(f, return_sequences=True, name=f"enc{i}_lstm")(x)
        skips.append(x)
    for j, f in enumerate(reversed((1,) + tuple(cfg.filters[:-1]))):
        i = len(cfg.filters) - 1 - j
        if cfg.skips and j > 0:
            x = L.Concatenate(name=f"dec{i}_skip")([x, skips[i]])
        width = max(f, 8)
        x = L.Conv1DTranspose(width, cfg.kernel_size, strides=2, padding="same", name=f"dec{i}_deconv")(x)
        x = L.ReLU(name=f"dec{i}_act")(x)
        if cfg.lstm and i > 0:  # an LSTM at full resolution would run 1,024 steps for 8 channels
            x = L.LSTM(width, return_sequences=True, name=f"dec{i}_lstm")(x)
    return x


def _recurrent_core(x, cfg: DenoiserConfig):
    for i in range(cfg.recurrent_layers):
        x = L.Bidirectional(L.LSTM(cfg.recurrent_units, return_sequences=True), name=f"bilstm{i}")(x)
    return x


def build_generator(cfg: DenoiserConfig) -> keras.Model:
    noisy = keras.Input((cfg.length,), name="noisy")
    mean = WindowMean(name="input_mean")(noisy)
    centred = L.Subtract(name="centre")([noisy, mean])
    x = L.Reshape((cfg.length, 1), name="as_sequence")(centred)
    x = _recurrent_core(x, cfg) if cfg.variant == "lstm_gan" else _conv_core(x, cfg)
    y = L.Reshape((cfg.length,), name="as_fragment")(L.Conv1D(1, 7, padding="same", name="out_conv")(x))
    if cfg.residual:
        y = L.Subtract(name="minus_noise")([centred, y])
    y = L.Subtract(name="zero_mean")([y, WindowMean(name="output_mean")(y)])
    out = float32_output(L.Add(name="restore_level")([y, mean]), "denoised")
    return keras.Model(noisy, out, name=f"{cfg.variant}_generator")


def build_discriminator(cfg: DenoiserConfig) -> keras.Model:
    """(candidate [, noisy]) (N, L) each, centred → logit (N, 1)."""
    cand = keras.Input((cfg.length,), name="candidate")
    ins = [cand]
    x = L.Reshape((cfg.length, 1), name="cand_seq")(cand)
    if cfg.conditional_discriminator:
        noisy = keras.Input((cfg.length,), name="noisy")
        ins.append(noisy)
        x = L.Concatenate(name="condition")([x, L.Reshape((cfg.length, 1), name="noisy_seq")(noisy)])
    for i, f in enumerate(cfg.discriminator_filters):
        x = L.Conv1D(f, cfg.kernel_size, strides=2, padding="same", name=f"d{i}_conv")(x)
        x = L.LeakyReLU(0.2, name=f"d{i}_act")(x)
    x = L.Dense(1, name="d_logit")(L.Flatten(name="d_flat")(x))
    return keras.Model(ins, float32_output(x, "d_logit"), name="discriminator")


def build_model(cfg: DenoiserConfig):

    return DenoiserGAN(build_generator(cfg), build_discriminator(cfg), cfg)
