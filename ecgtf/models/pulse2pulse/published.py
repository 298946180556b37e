"""The published Pulse2Pulse generator (the ``deepfake-ecg`` package's ``g_stat.pt``) in Keras.

    from ecgtf.models.pulse2pulse.published import published_generator
    g = published_generator()          # noise (N, 5000, 8) U(−1, 1) → leads (N, 5000, 8); × 6 mV = millivolts

Reading the checkpoint needs PyTorch (``pip install deepfake-ecg torch``); the Keras model does not.
PyTorch's ``Conv1d`` weights (out, in, k) become Keras kernels (k, in, out); the unused ConvTranspose1d,
``fc1`` and ``ppfilter1`` entries of the state dict are skipped.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

PUBLISHED_SCALE_MV = 6.0
"""The package multiplies the tanh output by 6,000 and writes integers; read as µV that is 6 mV per unit."""

_DECODER = {"deconv_1": 6, "deconv_2": 5, "deconv_3": 4, "deconv_5": 3, "deconv_6": 2, "deconv_7": 1}


def published_state_dict(path: str | Path | None = None) -> dict[str, np.ndarray]:
    """The generator's state dict as numpy arrays (default: the installed ``deepfakeecg`` checkpoint)."""
    try:
        import torch
    except ImportError as exc:
        raise ImportError("reading deepfake-ecg's checkpoint needs PyTorch: pip install deepfake-ecg torch") from exc
    if path is None:
        try:
            import deepfakeecg
        except ImportError as exc:
            raise ImportError("deepfake-ecg is not installed: pip install deepfake-ecg torch") from exc
        path = Path(deepfakeecg.__file__).parent / "checkpoints" / "g_stat.pt"
    ckpt = torch.load(str(path), map_location="cpu")
    state = ckpt.get("stat_dict", ckpt)
    return {k: v.numpy() for k, v in state.items()}


def published_generator(path: str | Path | None = None):
    """The paper-sized Keras generator with the published weights."""
    from .networks import Pulse2PulseConfig, generator

    state = published_state_dict(path)
    g = generator(Pulse2PulseConfig())
    names = {f"conv_{i}": f"enc{i}" for i in range(1, 7)}
    names.update({f"{k}.conv1d": f"dec{j}" for k, j in _DECODER.items()})
    for torch_name, layer in names.items():
        w, b = state[f"{torch_name}.weight"], state[f"{torch_name}.bias"]
        g.get_layer(layer).set_weights([np.transpose(w, (2, 1, 0)), b])
    return g
