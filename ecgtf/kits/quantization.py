"""Helpers for int8 export shared by model folders (skip-range equalisation measures branch ranges here)."""
from __future__ import annotations

import numpy as np

from ecgtf.backend import keras


def branch_max(generator, names, x, batch_size=32):
    """Max |activation| of each named layer's output over ``x`` (an array, or a list of arrays for a model with
    several inputs; batches of ``batch_size``)."""
    sub = keras.Model(generator.input, [generator.get_layer(n).output for n in names])
    maxima = np.zeros(len(names))
    for i in range(0, len(x[0]) if isinstance(x, list) else len(x), batch_size):
        chunk = [a[i:i + batch_size] for a in x] if isinstance(x, list) else x[i:i + batch_size]
        outs = sub(chunk, training=False)
        maxima = np.maximum(maxima, [float(np.max(np.abs(o))) for o in outs])
    return maxima


def skip_scales(model, wide: list[str], narrow: list[str], x: np.ndarray) -> list[float]:
    """Per concatenation: max |wide branch| / max |narrow branch| over ``x`` (1 where the narrow one is silent)."""
    return [float(w / n) if n > 0 else 1.0 for w, n in zip(branch_max(model, wide, x), branch_max(model, narrow, x))]


def copy_weights(source, target) -> None:
    """Copy every weighted layer of ``source`` into the layer of the same name in ``target``."""
    for layer in source.layers:
        if layer.weights:
            target.get_layer(layer.name).set_weights(layer.get_weights())
