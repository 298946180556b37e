"""ME-GAN for inference: the trained generator of a run."""
from __future__ import annotations

from ecgtf.kits.network_io import load_network

from .networks import build_generator


def load_generator_for_run(run, weights: str = "final"):
    """The run's trained generator; ``best`` is ``final`` (no test data is used to select epochs)."""
    return load_network(run, "generator", lambda: build_generator(run.architecture), "final")
