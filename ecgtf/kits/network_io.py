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
        check_finite_weights(model, path)
        return model
    latest = tf.train.latest_checkpoint(str(run.path / "checkpoints"))
    if latest is None:
        raise FileNotFoundError(f"{run.path} has neither {path.name} nor a checkpoint")
    tf.train.Checkpoint(**{network: model}).restore(latest).expect_partial()
    return model


def check_finite_weights(model, source) -> None:
    """``ValueError`` naming ``source`` if any weight of ``model`` is NaN or inf (a corrupt file loads
    without complaint otherwise and the model then answers NaN)."""
    import numpy as np

    for w in model.weights:
        if not np.all(np.isfinite(w.numpy())):
            raise ValueError(f"{source}: weight {w.name} holds NaN or inf values: the file is corrupt "
                             "(re-download, re-train or re-export it)")


def multiply_adds(model) -> int:
    """Multiply-accumulate operations of one forward pass at batch 1 (convolutions and dense layers;
    sub-models such as ensemble members are counted inside). Element-wise ops are not counted."""
    import numpy as np

    total = 0
    for layer in model.layers:
        kind = layer.__class__.__name__
        if hasattr(layer, "layers"):                       # a nested model
            total += multiply_adds(layer)
        elif kind in ("Conv1D", "Conv2D", "Dense"):
            out = layer.output_shape
            positions = int(np.prod(out[1:-1])) if len(out) > 2 else 1
            total += int(np.prod(layer.kernel.shape)) * positions
        elif kind in ("Conv1DTranspose", "Conv2DTranspose"):
            inp = layer.input_shape
            total += int(np.prod(layer.kernel.shape)) * int(np.prod(inp[1:-1]))
    return total
