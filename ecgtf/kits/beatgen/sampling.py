"""Sampling beats from any beat generator: ``sample_beats(run, generator, n, labels)`` → (n, L) float32."""
from __future__ import annotations

from importlib import import_module

import numpy as np


def generator_inputs(generator, n: int, labels=None, seed: int = 0) -> list[np.ndarray]:
    """N(0, 1) noise for ``generator`` [+ one-hot classes when it takes a second input]."""
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal((n,) + tuple(int(d) for d in generator.inputs[0].shape[1:])).astype(np.float32)
    if len(generator.inputs) == 1:
        return [noise]
    n_classes = int(generator.inputs[1].shape[-1])
    labels = np.arange(n) % n_classes if labels is None else np.asarray(labels, int)
    if labels.shape != (n,) or labels.min() < 0 or labels.max() >= n_classes:
        raise ValueError(f"labels must be {n} class indices in [0, {n_classes}), got shape {labels.shape}")
    return [noise, np.eye(n_classes, dtype=np.float32)[labels]]


def sample_beats(run, generator, n: int, labels=None, seed: int = 0, batch_size: int = 256) -> np.ndarray:
    """``n`` generated beats (n, L); ``labels`` (n,) class indices for class-conditional models.

    A model folder may define its own ``sample(generator, config, n, labels, seed)`` (WaveNet's
    autoregressive sampling); otherwise the generator maps noise [+ one-hot] to beats in one pass.
    """
    net = networks_of(run)
    if hasattr(net, "sample"):
        return net.sample(generator, run.architecture, n, labels, seed)
    inputs = generator_inputs(generator, n, labels, seed)
    out = [generator([x[i:i + batch_size] for x in inputs] if len(inputs) > 1 else inputs[0][i:i + batch_size],
                     training=False).numpy() for i in range(0, n, batch_size)]
    return np.concatenate(out).reshape(n, -1).astype(np.float32)


def networks_of(run):
    """The ``networks`` module of a beat-generator run's model folder."""
    return import_module(f"{run.spec.trainer.rsplit('.', 1)[0]}.networks")


def is_conditional(run, generator) -> bool:
    """Whether the generator takes a class (a class input, or a folder's own ``sample`` that takes labels)."""
    return len(generator.inputs) > 1 or hasattr(networks_of(run), "sample")
