"""The one place ecgtf imports TensorFlow and Keras 2 (``tf_keras``).

Use ``from ecgtf.backend import tf, keras`` in model, training and export code. Also the device helpers every
trainer uses: the ``tf.distribute`` strategy, the mixed-precision policy, a one-line device description.
"""
from __future__ import annotations

import os
import sys

import ecgtf  # noqa: F401  (sets TF_USE_LEGACY_KERAS before TensorFlow loads)


def _import_tensorflow():
    """``import tensorflow``; with ``ECGTF_QUIET_TF=1`` (the CLI without ``--verbose``) the C++ start-up lines it
    writes straight to the process's stderr (oneDNN notice, CUDA probing; ``TF_CPP_MIN_LOG_LEVEL`` does not hide
    them) are dropped. Python errors are not: the descriptor is restored before any exception propagates."""
    if os.environ.get("ECGTF_QUIET_TF") != "1" or "tensorflow" in sys.modules:
        import tensorflow
        return tensorflow
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        import tensorflow
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
    return tensorflow


tf = _import_tensorflow()
import tf_keras as keras  # noqa: E402

if not keras.__version__.startswith("2."):
    raise ImportError(f"ecgtf needs tf_keras 2.x, found {keras.__version__}")

__all__ = ["tf", "keras", "describe_devices", "make_strategy", "setup_precision"]


def make_strategy(name: str):
    """``default`` (one device: the GPU when present, else CPU), ``mirrored`` (all local GPUs) or
    ``multi-worker`` (hosts listed in ``TF_CONFIG``)."""
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multi-worker":
        return tf.distribute.MultiWorkerMirroredStrategy()
    raise ValueError(f"unknown strategy {name!r}; expected default, mirrored or multi-worker")


def setup_precision(mixed: bool) -> None:
    """``mixed_float16`` compute with float32 variables (GPU); outputs are cast back to float32 by the models."""
    keras.mixed_precision.set_global_policy("mixed_float16" if mixed else "float32")


def describe_devices() -> str:
    gpus = tf.config.list_physical_devices("GPU")
    return f"{len(gpus)} GPU(s)" if gpus else f"CPU ({os.cpu_count()} cores)"
