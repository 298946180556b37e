"""Loading the original ecgGAN ``.h5`` weights (Keras 2.3) into ecgtf's LSTM-GAN networks."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ecgtf.backend import keras
from ecgtf.models.lstm_gan.networks import build_discriminator, build_generator


class WeightsFileError(ValueError):
    """An .h5 weights file is unreadable or does not fit the model."""


def _h5_layer_weights(path: Path) -> list[tuple[str, list[np.ndarray]]]:
    import h5py

    if not path.exists():
        raise WeightsFileError(f"{path}: file not found")
    try:
        with h5py.File(path, "r") as f:
            group = f["model_weights"] if "model_weights" in f else f
            names = [n.decode() if isinstance(n, bytes) else str(n) for n in group.attrs["layer_names"]]
            layers = []
            for name in names:
                g = group[name]
                wnames = [w.decode() if isinstance(w, bytes) else str(w) for w in g.attrs.get("weight_names", [])]
                if wnames:
                    layers.append((name, [np.asarray(g[w]) for w in wnames]))
            return layers
    except WeightsFileError:
        raise
    except (OSError, KeyError) as exc:
        raise WeightsFileError(f"{path}: not a readable Keras .h5 weights/model file ({type(exc).__name__}: {exc})") from exc


def load_original_weights(model: keras.Model, path: str | Path) -> keras.Model:
    """Load the original ecgGAN ``.h5`` (``generator_80e.h5`` / ``discriminator_80e.h5``) into ``model``.

    Layers with weights are matched in order; every array's shape is checked first and a
    :class:`WeightsFileError` names the first layer that differs (e.g. a file of another
    architecture). Returns ``model``.
    """
    path = Path(path)
    saved = _h5_layer_weights(path)
    ours = [layer for layer in model.layers if layer.weights]
    if len(saved) != len(ours):
        raise WeightsFileError(f"{path}: {len(saved)} layers with weights ({[n for n, _ in saved]}), but "
                               f"{model.name} expects {len(ours)} ({[layer.name for layer in ours]})")
    for (name, arrays), layer in zip(saved, ours):
        expected = [tuple(w.shape) for w in layer.weights]
        got = [a.shape for a in arrays]
        if expected != got:
            raise WeightsFileError(f"{path}: layer {name!r} has weight shapes {got}, but {model.name}'s layer "
                                   f"{layer.name!r} expects {expected}")
        bad = [i for i, a in enumerate(arrays) if not np.all(np.isfinite(a))]
        if bad:
            raise WeightsFileError(f"{path}: layer {name!r} holds NaN or inf weights (the file is corrupt; "
                                   "re-download or re-export it)")
    for (_, arrays), layer in zip(saved, ours):
        layer.set_weights(arrays)
    return model


def load_original_generator(path: str | Path) -> keras.Model:
    return load_original_weights(build_generator(), path)


def load_original_discriminator(path: str | Path) -> keras.Model:
    return load_original_weights(build_discriminator(), path)


