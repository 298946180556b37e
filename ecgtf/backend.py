"""The one place ecgtf imports TensorFlow and Keras 2 (``tf_keras``).

Use ``from ecgtf.backend import tf, keras`` in model, training and export code.
"""
from __future__ import annotations

import tensorflow as tf
import tf_keras as keras

import ecgtf  # noqa: F401  (sets TF_USE_LEGACY_KERAS before TensorFlow loads)

if not keras.__version__.startswith("2."):
    raise ImportError(f"ecgtf needs tf_keras 2.x, found {keras.__version__}")

__all__ = ["tf", "keras"]
