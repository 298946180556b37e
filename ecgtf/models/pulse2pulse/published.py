"""The published Pulse2Pulse generator (the ``deepfake-ecg`` package's ``g_stat.pt``) in Keras.

    from ecgtf.models.pulse2pulse.published import published_generator
    g = published_generator()          # noise (N, 5000, 8) U(−1, 1) → leads (N, 5000, 8); × 6 mV = millivolts

Reading the checkpoint needs PyTorch (``pip install deepfake-ecg torch``); the Keras model does not.
PyTorch's ``Conv1d`` weights (out, in, k) become Keras kernels (k, in, out); the unused ConvTranspose1d,
``fc1`` and ``ppfilter1`` entries of the state dict are skipped.
"""
from __future__ import annotations

import pickle
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
    try:   # tensors and plain containers only: a checkpoint can never run code here
        ckpt = torch.load(str(path), map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, OSError) as exc:
        raise ValueError(f"{path}: not a PyTorch state dict of tensors ({type(exc).__name__}: "
                         f"{str(exc).splitlines()[0] if str(exc) else ''}); ecgtf loads weights only, never code") from exc
    state = ckpt.get("stat_dict", ckpt) if isinstance(ckpt, dict) else None
    if not isinstance(state, dict) or not all(hasattr(v, "numpy") for v in state.values()):
        raise ValueError(f"{path}: expected a state dict of tensors (optionally under 'stat_dict')")
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


PUBLISHED_SOURCE = "deepfake-ecg"
"""The ``sources`` entry of a run made from the published weights."""


def import_published(out: str | Path, path: str | Path | None = None, overwrite: bool = False) -> Path:
    """Write the published generator as an ecgtf run (``config.json`` + ``final/generator.weights.h5``), so
    that it exports (``ecgtf export RUN``), samples (``sample_records``) and trains others
    (``--data pulse2pulse:RUN``) like a run of ``ecgtf train pulse2pulse``."""
    from ecgtf.callbacks import save_weights_atomic
    from ecgtf.runs import RunDir, new_run_config

    from .data import Pulse2PulseData
    from .networks import Pulse2PulseConfig
    from .trainer import Pulse2PulseTraining

    g = published_generator(path)            # fails before anything on disk changes
    run = RunDir(out, overwrite=overwrite)
    try:
        data = Pulse2PulseData(sources=(PUBLISHED_SOURCE,), band_hz=None, scale_mv=PUBLISHED_SCALE_MV)
        run.write_config(new_run_config("pulse2pulse", "paper", Pulse2PulseConfig(), data,
                                        Pulse2PulseTraining(epochs=0), data,
                                        note="weights of the deepfake-ecg package (Thambawita et al., Sci. Rep. "
                                             "2021; MIT), not trained by ecgtf"))
        save_weights_atomic(g, run.path / "final" / "generator.weights.h5")
    except BaseException:
        run.abandon()
        raise
    finally:
        run.release()
    run.commit()
    return run.path


def main(argv=None) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="python -m ecgtf.models.pulse2pulse.published",
                                description="Write deepfake-ecg's published Pulse2Pulse generator as an ecgtf run "
                                            "(needs `pip install deepfake-ecg torch`).")
    p.add_argument("--out", required=True, help="run directory to create")
    p.add_argument("--checkpoint", default=None, help="a g_stat.pt (default: the installed deepfake-ecg package's)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing run at --out")
    args = p.parse_args(argv)
    try:
        print(f"wrote {import_published(args.out, args.checkpoint, args.overwrite)}")
    except (ImportError, FileExistsError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}")
        return 2
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
