"""ecgtf: generative ECG models (EKGAN, LSTM-GAN) in Keras 2, exported to quantized TFLite.

Importing ecgtf selects Keras 2 (``tf_keras``) for TensorFlow by setting
``TF_USE_LEGACY_KERAS=1`` before TensorFlow resolves ``tf.keras``. TensorFlow itself is only
imported by the modules that need it (models, training, export), so data tools stay fast.
"""
from __future__ import annotations

import os
import sys

__version__ = "0.1.0"


def _select_keras2() -> None:
    tf_module = sys.modules.get("tensorflow")
    if tf_module is not None:
        # TensorFlow records at import time whether tf.keras will be Keras 2.
        if not tf_module.__dict__.get("_tf_uses_legacy_keras", False):
            raise ImportError(
                "ecgtf needs Keras 2 (tf_keras), but TensorFlow was already imported and tf.keras "
                "is Keras 3. Import ecgtf before tensorflow, or set "
                "TF_USE_LEGACY_KERAS=1 in the environment before starting Python.")
    if os.environ.get("TF_USE_LEGACY_KERAS") not in (None, "1", "true", "True"):
        print(f"ecgtf: overriding TF_USE_LEGACY_KERAS={os.environ['TF_USE_LEGACY_KERAS']!r} "
              "with '1' (ecgtf models are tf_keras models)", file=sys.stderr)
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


_select_keras2()

from ecgtf.leads import LEADS  # noqa: E402

__all__ = ["LEADS", "Denoiser", "Reconstructor", "Reconstruction", "Run", "list_presets", "__version__"]

_LAZY = {"Denoiser": "ecgtf.denoising", "Reconstructor": "ecgtf.reconstructor", "Reconstruction": "ecgtf.reconstructor", "Run": "ecgtf.runs",
         "list_presets": "ecgtf.presets"}


def __getattr__(name):  # the API loads TensorFlow only when used
    if name in ("io", "presets", "runs", "quality", "streaming"):
        from importlib import import_module

        return import_module(f"ecgtf.{name}")
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'ecgtf' has no attribute {name!r}")
