"""The EKGAN paper's Lead I → 12-lead baselines, trained by the EKGAN trainer (``--variant``):

- :mod:`.pix2pix`: Pix2Pix (PatchGAN discriminator + the EKGAN U-Net generator), ``ecgtf train pix2pix``;
- :mod:`.cyclegan`: CycleGAN trained *unpaired*, ``ecgtf train ekgan --variant cyclegan``;
- :mod:`.cardiogan`: CardioGAN (Sarkar & Etemad, AAAI 2021), ``ecgtf train ekgan --variant cardiogan``.
"""
