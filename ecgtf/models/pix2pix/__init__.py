"""Pix2Pix baseline for Lead I → 12 leads (PatchGAN discriminator + the EKGAN U-Net generator).

Trained with the EKGAN trainer (``ecgtf train pix2pix`` = ``ecgtf train ekgan --variant pix2pix``).
"""
from __future__ import annotations

from ecgtf.models.pix2pix.model import Pix2Pix, build_patchgan_discriminator

__all__ = ["Pix2Pix", "build_patchgan_discriminator"]
