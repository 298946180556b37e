"""Pieces every model folder shares: loading a run's trained network."""
from __future__ import annotations

from typing import Callable


def load_network(run, network: str, build: Callable, weights: str = "final"):
    """Build ``network`` and load the run's weights.

    ``weights="final"``: ``final/<network>.weights.h5`` (else the latest checkpoint of an unfinished
    run); ``"best"``: ``final/best_<network>.weights.h5`` (best validation epoch).
    """
    from ecgtf.backend import tf

    model = build()
    path = run.weights_path(network, weights)
    if weights == "best" and not path.exists():
        raise FileNotFoundError(f"{path} not found (the run kept no best-validation weights; use weights='final')")
    if path.exists():
        try:
            model.load_weights(str(path))
        except (ValueError, OSError) as exc:
            raise ValueError(f"{path} does not fit the architecture in {run.path}/config.json: {exc}") from exc
        return model
    latest = tf.train.latest_checkpoint(str(run.path / "checkpoints"))
    if latest is None:
        raise FileNotFoundError(f"{run.path} has neither {path.name} nor a checkpoint")
    tf.train.Checkpoint(**{network: model}).restore(latest).expect_partial()
    return model
