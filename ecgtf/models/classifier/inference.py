"""The classifier for inference: the trained network of a run (logits)."""
from __future__ import annotations

from .data import CLASSES
from .networks import build_classifier


def load_generator_for_run(run, weights: str = "best"):
    """The run's trained classifier network (logits); ``best`` falls back to ``final``."""
    pre = run.preprocessing
    net = build_classifier(run.architecture, pre.n_samples, len(pre.leads), len(CLASSES))
    path = run.weights_path("classifier", weights)
    if not path.exists():
        path = run.weights_path("classifier", "final")
    if not path.exists():
        raise FileNotFoundError(f"{run.path}: no trained classifier weights ({path.name}); train the run first")
    net.load_weights(str(path))
    return net
