"""The beat generators for inference: the trained generator of a run (any folder built on this kit)."""
from __future__ import annotations

from ecgtf.kits.network_io import load_network

from .sampling import networks_of


def load_generator_for_run(run, weights: str = "final"):

    if weights == "best":
        weights = "final"  # generators keep no best-validation weights
    return load_network(run, "generator", lambda: networks_of(run).build_model(run.architecture).generator,
                        weights)
