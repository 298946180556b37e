"""CycleGAN baseline for Lead I → 12 leads (as in the EKGAN paper's comparison), trained *unpaired*.

Trained by the EKGAN trainer: ``ecgtf train ekgan --variant cyclegan`` (see :mod:`.model`).
"""
from ecgtf.models import lazy_exports

__getattr__ = lazy_exports(__name__, {"CycleGAN": "model", "CycleReconstructionGAN": "model",
                                      "build_single_patch_discriminator": "model"})
