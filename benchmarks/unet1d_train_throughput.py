"""Training throughput of the 1-D U-Net reconstructor: windows/s per configuration, side by side.

    python benchmarks/unet1d_train_throughput.py [--steps 20]

Each configuration (batch size × XLA jit_compile) trains on the same random windows for --steps
steps after 3 warm-up steps; configurations alternate in one process over --rounds rounds and the
median is printed, so ratios are meaningful on a noisy shared machine (absolute numbers are not).
"""
from __future__ import annotations

import argparse
import time

import numpy as np


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--rounds", type=int, default=2)
    args = p.parse_args(argv)
    from ecgtf.backend import keras, tf
    from ecgtf.models.unet1d.model import Unet1dTrainer
    from ecgtf.models.unet1d.networks import build_reconstructor

    rng = np.random.default_rng(0)
    configs = [(32, False), (32, True), (64, False), (64, True)]
    models = {}
    for batch, jit in configs:
        net = build_reconstructor()
        m = Unet1dTrainer(net)
        m.compile(optimizer=keras.optimizers.Adam(1e-3), jit_compile=jit)
        x = rng.standard_normal((batch, 12, 512)).astype(np.float32) * 0.3
        ds = tf.data.Dataset.from_tensors((x, np.ones(batch, bool))).repeat()
        m.fit(ds, steps_per_epoch=3, verbose=0)
        models[(batch, jit)] = (m, ds)
    rates = {c: [] for c in configs}
    for _ in range(args.rounds):
        for c in configs:
            m, ds = models[c]
            t = time.perf_counter()
            m.fit(ds, steps_per_epoch=args.steps, verbose=0)
            rates[c].append(args.steps * c[0] / (time.perf_counter() - t))
    base = np.median(rates[configs[0]])
    print(f"{'batch':>6}{'jit':>6}{'windows/s':>12}{'vs batch 32, no jit':>22}")
    for c in configs:
        r = float(np.median(rates[c]))
        print(f"{c[0]:>6}{str(c[1]):>6}{r:>12.1f}{r / base:>21.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
