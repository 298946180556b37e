"""BiLSTM-CNN GAN of Zhu et al. (Sci. Rep. 9, 6734, 2019) and its autoencoder baselines.

Paper: a generator of two BiLSTM layers turning a noise sequence into an ECG sequence, a CNN
discriminator (two convolution + pooling layers, a fully connected output), MIT-BIH (48 records),
compared with RNN-AE and RNN-VAE (plus LSTM-AE / LSTM-VAE); metrics PRD, RMSE and Fréchet distance.
Variants (``--variant``): ``gan`` (BiLSTM-CNN GAN), ``rnn_ae``, ``rnn_vae``, ``lstm_ae``, ``lstm_vae``, and
``ecggan``: the existing LSTM-GAN (:mod:`ecgtf.models.lstm_gan`, the TF2 "ecgGAN" BiLSTM-CNN generator,
noise (N, 100, 12) → 400 samples) put on this bench (default window: 400 samples at 500 Hz, as ecgGAN).

Shapes: noise (N, L, 1) N(0, 1) per time step → beats (N, L); L = the window length (default 256
samples at 360 Hz, R peak at sample 90). Layer widths the paper gives are used as defaults; the
kernel sizes and filter counts of the discriminator and the AE sizes are ours (the text we could
read offline does not pin them down) and are fields of :class:`BiLstmCnnGanConfig`.
"""
from __future__ import annotations

from dataclasses import dataclass

from ecgtf.data.mitdb_beats import BeatWindowConfig
from ecgtf.kits.beatgen import blocks
from ecgtf.kits.beatgen.engine import BeatAutoencoder, BeatGAN
from ecgtf.kits.beatgen.trainer import BeatGenTraining


@dataclass(frozen=True)
class BiLstmCnnGanConfig:
    variant: str = "gan"
    length: int = 256
    """Beat length in samples (set from the window)."""
    noise_channels: int = 1
    lstm_units: int = 100
    """Units per direction of each of the two BiLSTM layers."""
    dropout: float = 0.0
    disc_filters: tuple[int, ...] = (32, 64)
    disc_kernel: int = 16
    disc_pool: int = 2
    ae_units: int = 64
    """Hidden units of the RNN/LSTM encoder and decoder (baselines)."""
    latent_dim: int = 32
    n_classes: int = 0


CONFIG = BiLstmCnnGanConfig
VARIANTS = {"gan": {}, "rnn_ae": {}, "rnn_vae": {}, "lstm_ae": {}, "lstm_vae": {}, "ecggan": {}}
VARIANT_WINDOWS = {"ecggan": {"fs": 500.0, "before": 130, "after": 270}}
"""Default windows of variants that differ from :data:`WINDOW` (ecgGAN: 0.8 s at 500 Hz, peak in the first half)."""
WINDOW = BeatWindowConfig(lead="MLII", before=90, after=166, fs=360.0, classes=("N", "S", "V", "F", "Q"),
                          normalization="minmax")
"""All MIT-BIH beat classes (the paper trains on all 48 records), each beat scaled to [0, 1]."""
TRAINING = BeatGenTraining(epochs=30, batch_size=64, lr=2e-4, beta1=0.5)


def build_model(cfg: BiLstmCnnGanConfig):
    """The training model of ``cfg.variant``: a :class:`BeatGAN` or a :class:`BeatAutoencoder`."""
    if cfg.variant == "ecggan":
        return _ecggan(cfg)
    if cfg.variant == "gan":
        g = blocks.recurrent_generator(cfg.length, cfg.noise_channels, cfg.lstm_units, 2, "lstm", bidirectional=True,
                                       dropout=cfg.dropout, activation="tanh", name="bilstm_generator")
        d = blocks.conv_discriminator(cfg.length, cfg.disc_filters, cfg.disc_kernel, (1,) * len(cfg.disc_filters),
                                      (cfg.disc_pool,) * len(cfg.disc_filters), name="cnn_discriminator")
        return BeatGAN(g, d, (cfg.length, cfg.noise_channels))
    kind, ae = cfg.variant.split("_")
    if kind not in ("rnn", "lstm") or ae not in ("ae", "vae"):
        raise ValueError(f"unknown variant {cfg.variant!r}; expected one of {sorted(VARIANTS)}")
    code = cfg.latent_dim * (2 if ae == "vae" else 1)
    enc = blocks.recurrent_encoder(cfg.length, cfg.ae_units, code, kind, name=f"{kind}_encoder")
    dec = blocks.recurrent_decoder(cfg.length, cfg.ae_units, cfg.latent_dim, kind, name=f"{kind}_decoder")
    return BeatAutoencoder(enc, dec, cfg.latent_dim, kind=ae, reconstruction="mse")


def _ecggan(cfg: BiLstmCnnGanConfig) -> BeatGAN:
    """The LSTM-GAN's networks with beats as (N, L): generator noise (N, L/4, 12) → (N, L)."""
    from ecgtf.backend import keras
    from ecgtf.kits.ecggan import LstmGanConfig, build_discriminator, build_generator

    lg = LstmGanConfig(noise_steps=cfg.length // 4, beat_length=cfg.length)
    g0, d0 = build_generator(lg), build_discriminator(lg)
    z = keras.Input(lg.noise_shape, name="noise")
    g = keras.Model(z, keras.layers.Reshape((cfg.length,), name="g_flat")(g0(z)), name="ecggan_generator")
    b = keras.Input((cfg.length,), name="beat")
    d = keras.Model(b, d0(keras.layers.Reshape((1, cfg.length), name="d_rows")(b)), name="ecggan_discriminator")
    return BeatGAN(g, d, lg.noise_shape)
