"""Trained 1-D U-Net reconstructors shipped with ecgtf (keras-hub style presets by name).

A preset folder is a minimal run directory (``config.json`` + ``final/*.weights.h5``) plus the
validated int8 ``.tflite`` with its metadata and a ``MODEL_CARD.md``.
"""
from __future__ import annotations

from pathlib import Path

PRESET_ROOT = Path(__file__).with_name("presets")

PRESETS = {
    "unet1d_12lead": {
        "description": "Lead I → 12 leads in mV, 1-D U-Net (2.4 M parameters) trained on PTB-XL, z-scored "
                       "PTB-XL shapes and the CinC 2011/2021 mV records; 100 Hz, 5.12 s windows",
        "folder": "unet1d_12lead",
    },
}
