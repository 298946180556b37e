"""The five generators of Adib, Afghah & Prevost, "Synthetic ECG signal generation using generative
neural networks" (arXiv:2112.03268; PLOS ONE 2025), trained on normal (N) MIT-BIH beats.

Variants (``--variant``), as in the authors' public code:
- ``classic_gan``: Goodfellow's GAN with MLPs (G 100 → 128 → 256 → 512 → 1024 → 256, tanh, BatchNorm;
  D 256 → 512 → 256 → 1);
- ``dcgan``: 1-D DCGAN (G: projection + 4 × [upsample ×2, Conv1D, BN, ReLU], tanh; D: Conv1D 64 → 512,
  kernel 4, stride 2, BN, LeakyReLU 0.2);
- ``bilstm_dcgan``: G = two BiLSTM layers (1000 units) over the noise read as one time step, Dense → 256,
  tanh; D as DCGAN;
- ``aae``: adversarial autoencoder (MLP encoder 256 → 512 → 512 → (μ, log σ²) of 10 latents, decoder back,
  latent discriminator 512 → 256 → 1; loss 0.999 · L1 + 0.001 · adversarial);
- ``wgan``: WGAN-GP (DCGAN networks, no BatchNorm in the critic, 5 critic steps, λ = 10).
Beats: 280 samples at 360 Hz around the R peak resampled to 256 (= 329.14 Hz), scaled to [0, 1].
Paper training: Adam 2e-4, β1 0.5, batch 9, 30 epochs. Shapes: noise (N, 100) → beats (N, 256).
"""
from __future__ import annotations

from dataclasses import dataclass

from ecgtf.backend import keras
from ecgtf.data.mitdb_beats import BeatWindowConfig
from ecgtf.kits.beatgen import blocks
from ecgtf.kits.beatgen.engine import BeatAutoencoder, BeatGAN
from ecgtf.kits.beatgen.trainer import BeatGenTraining
from ecgtf.kits.layers import float32_output


@dataclass(frozen=True)
class NormalBeatGansConfig:
    variant: str = "dcgan"
    length: int = 256
    noise_dim: int = 100
    mlp_generator: tuple[int, ...] = (128, 256, 512, 1024)
    mlp_discriminator: tuple[int, ...] = (512, 256)
    dc_generator: tuple[int, ...] = (512, 256, 128, 64)
    dc_discriminator: tuple[int, ...] = (64, 128, 256, 512)
    dc_kernel: int = 4
    lstm_units: int = 1000
    aae_hidden: int = 512
    aae_latent: int = 10
    n_critic: int = 5
    n_classes: int = 0


CONFIG = NormalBeatGansConfig
VARIANTS = {"classic_gan": {}, "dcgan": {}, "bilstm_dcgan": {}, "aae": {}, "wgan": {}}
WINDOW = BeatWindowConfig(lead="MLII", before=128, after=128, fs=360.0 * 256 / 280, classes=("N",),
                          symbols=("N",), normalization="minmax")
TRAINING = BeatGenTraining(epochs=30, batch_size=9, lr=2e-4, beta1=0.5)


def dc_discriminator(cfg: NormalBeatGansConfig, batchnorm: bool) -> keras.Model:
    n = len(cfg.dc_discriminator)
    return blocks.conv_discriminator(cfg.length, cfg.dc_discriminator, cfg.dc_kernel, (2,) * n, (1,) * n,
                                     batchnorm=batchnorm, name="dc_discriminator")


def bilstm_generator(cfg: NormalBeatGansConfig) -> keras.Model:
    """Noise (N, 100) read as a single time step → BiLSTM(1000) × 2 → Dense(256, tanh)."""
    z = keras.Input((cfg.noise_dim,), name="noise")
    x = keras.layers.Reshape((1, cfg.noise_dim), name="g_step")(z)
    x = blocks.recurrent("lstm", cfg.lstm_units, "g_bilstm0", bidirectional=True)(x)
    x = blocks.recurrent("lstm", cfg.lstm_units, "g_bilstm1", return_sequences=False, bidirectional=True)(x)
    beat = keras.layers.Dense(cfg.length, activation="tanh", name="g_out")(x)
    return keras.Model(z, float32_output(beat, "g_beat"), name="bilstm_generator")


def build_model(cfg: NormalBeatGansConfig):
    v = cfg.variant
    if v == "classic_gan":
        g = blocks.mlp(cfg.noise_dim, cfg.mlp_generator, cfg.length, "tanh", True, "g", input_name="noise")
        d = blocks.mlp(cfg.length, cfg.mlp_discriminator, 1, None, False, "d", input_name="beat")
        return BeatGAN(g, d, (cfg.noise_dim,))
    if v in ("dcgan", "wgan"):
        g = blocks.upsampling_generator(cfg.length, cfg.noise_dim, cfg.dc_generator, cfg.dc_kernel, name="dc_generator")
        if v == "dcgan":
            return BeatGAN(g, dc_discriminator(cfg, batchnorm=True), (cfg.noise_dim,))
        return BeatGAN(g, dc_discriminator(cfg, batchnorm=False), (cfg.noise_dim,), loss="wgan-gp", n_critic=cfg.n_critic)
    if v == "bilstm_dcgan":
        return BeatGAN(bilstm_generator(cfg), dc_discriminator(cfg, batchnorm=True), (cfg.noise_dim,))
    if v == "aae":
        h = cfg.aae_hidden
        enc = blocks.mlp(cfg.length, (h, h), 2 * cfg.aae_latent, None, True, "enc", input_name="beat")
        dec = blocks.mlp(cfg.aae_latent, (h, h), cfg.length, "tanh", True, "dec", input_name="code")
        disc = blocks.mlp(cfg.aae_latent, (512, 256), 1, None, False, "d", input_name="code")
        return BeatAutoencoder(enc, dec, cfg.aae_latent, kind="aae", discriminator=disc, reconstruction="l1",
                               adversarial_weight=0.001)
    raise ValueError(f"unknown variant {v!r}; expected one of {sorted(VARIANTS)}")
