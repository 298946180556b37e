"""Records from a trained Pulse2Pulse run: the learned data source (``--data pulse2pulse:RUN``)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ecgtf.data.records import EcgDataset
from ecgtf.leads import LEADS
from ecgtf.preprocessing.signal import resample
from ecgtf.runs import Run


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
    from .data import to_millivolts
    from .inference import load_generator_for_run

    run = run if isinstance(run, Run) else Run(run)
    generator = load_generator_for_run(run, weights)
    return to_millivolts(sample_leads(generator, n, seed), run.data).astype(np.float32), float(run.architecture.fs)


def learned_source(run: str, n: int, seed: int = 0) -> EcgDataset:
    """``n`` records of a trained Pulse2Pulse run (``pulse2pulse:RUN``), resampled to 500 Hz, mV, unlabelled."""
    if not (Path(run) / "config.json").exists():
        raise FileNotFoundError(f"data source pulse2pulse:{run}: {run} is not a training run (no config.json); "
                                "expected the run directory of `ecgtf train pulse2pulse`")
    signals, fs = sample_records(run, n, seed=seed)
    if fs != 500.0:
        signals = resample(signals, fs, 500.0).astype(np.float32)
    ids = [f"pulse2pulse-{seed}-{i}" for i in range(n)]
    return EcgDataset(signals, 500.0, LEADS, ids, ids, [() for _ in ids], [{"generator": str(run)} for _ in ids])
