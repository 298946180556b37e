"""CardioGAN (Sarkar & Etemad, AAAI 2021) as the EKGAN paper's baseline for Lead I → 12 leads.

Trained by the EKGAN trainer: ``ecgtf train ekgan --variant cardiogan`` (see :mod:`.networks`).
"""
from ecgtf.models import lazy_exports

__getattr__ = lazy_exports(__name__, {"CardioGAN": "networks", "CardioganConfig": "networks",
                                      "build_attention_unet": "networks", "build_time_discriminator": "networks",
                                      "build_frequency_discriminator": "networks"})
