"""The five GAN/autoencoder beat generators of Adib et al. (arXiv:2112.03268) on normal MIT-BIH beats.

    ecgtf train normal-beat-gans --variant wgan --minutes 10    # python -m training.normal_beat_gans
"""
from __future__ import annotations


def model_spec():
    from ecgtf.kits.beatgen import beat_model_spec

    from .networks import NormalBeatGansConfig

    return beat_model_spec("normal_beat_gans", __name__, NormalBeatGansConfig, paper="Adib 2021",
                           smoke_extra=("--variant", "wgan"))
