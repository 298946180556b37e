"""The ``tf.data`` pipeline shared by every trainer: cache → shuffle → batch → prefetch."""
from __future__ import annotations

import numpy as np


def make_dataset(*arrays: np.ndarray, batch_size: int, shuffle: bool = True, seed: int = 0,
                 cache: bool = True, drop_remainder: bool = True, repeat: bool = False):
    """A ``tf.data.Dataset`` of batches from equally long numpy arrays (one element per array).

    Shuffling uses a buffer of the whole (in-memory) array with ``reshuffle_each_iteration``;
    ``drop_remainder`` keeps batch shapes static (needed for fixed-batch models and TPUs).
    """
    from ecgtf.backend import tf

    if not arrays:
        raise ValueError("make_dataset needs at least one array")
    n = len(arrays[0])
    for a in arrays:
        if len(a) != n:
            raise ValueError(f"arrays differ in length: {[len(x) for x in arrays]}")
    if n == 0:
        raise ValueError("cannot build a dataset from zero examples")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    if drop_remainder and n < batch_size:
        raise ValueError(f"only {n} examples for batch_size={batch_size} with drop_remainder; "
                         "use a smaller batch size or more data")
    elems = arrays[0] if len(arrays) == 1 else tuple(arrays)
    ds = tf.data.Dataset.from_tensor_slices(elems)
    if cache:
        ds = ds.cache()
    if repeat:
        ds = ds.repeat()
    if shuffle:
        ds = ds.shuffle(min(n, 10_000), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    return ds.prefetch(tf.data.AUTOTUNE)
