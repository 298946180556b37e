"""The LSTM-GAN's networks: the ecgGAN BiLSTM-CNN generator and CNN critic.

They live in the kit :mod:`ecgtf.kits.ecggan` because the BiLSTM-CNN GAN's ``ecggan`` variant
(:mod:`ecgtf.models.bilstm_cnn_gan`) builds on them too; this folder's role file names them.
"""
from __future__ import annotations

from ecgtf.kits.ecggan import (  # noqa: F401 (this folder's networks)
    LstmGanConfig,
    build_discriminator,
    build_generator,
    check_noise,
    generate_beats,
)
