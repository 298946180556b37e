"""Helpers for int8 export shared by model folders (skip-range equalisation measures branch ranges here)."""
from __future__ import annotations

import numpy as np

from ecgtf.backend import keras


def branch_max(generator, names, x, batch_size=32):
    """Max |activation| of each named layer's output over ``x`` (batches of ``batch_size``)."""
    sub = keras.Model(generator.input, [generator.get_layer(n).output for n in names])
    maxima = np.zeros(len(names))
    for i in range(0, len(x), batch_size):
        outs = sub(x[i:i + batch_size], training=False)
        maxima = np.maximum(maxima, [float(np.max(np.abs(o))) for o in outs])
    return maxima
