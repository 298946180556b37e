"""Records from a trained Pulse2Pulse run: the learned data source."""
from __future__ import annotations

import numpy as np


def sample_leads(generator, n: int, seed: int = 0, batch_size: int = 32) -> np.ndarray:
    """``n`` generator outputs (n, length, 8) in model units from U(−1, 1) noise drawn with ``seed``."""
    shape = tuple(int(d) for d in generator.inputs[0].shape[1:])
    rng = np.random.default_rng(seed)
    out = []
    for start in range(0, n, batch_size):
        k = min(batch_size, n - start)
        out.append(generator(rng.uniform(-1, 1, (k,) + shape).astype(np.float32), training=False).numpy())
    return np.concatenate(out)


def sample_records(run, n: int, seed: int = 0, weights: str = "final") -> tuple[np.ndarray, float]:
    """``(signals (n, 12, length) float32 mV, fs)`` from the run's generator (leads III, aVR, aVL, aVF derived)."""
    from ecgtf.runs import Run

    from .data import to_millivolts
    from .trainer import load_generator_for_run

    run = run if isinstance(run, Run) else Run(run)
    generator = load_generator_for_run(run, weights)
    return to_millivolts(sample_leads(generator, n, seed), run.data).astype(np.float32), float(run.architecture.fs)
