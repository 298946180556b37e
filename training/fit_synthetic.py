"""``python -m training.fit_synthetic``: fit the dipole generator's random ranges to real millivolt records.

A (1+1) random local search over the bounds of :class:`ecgtf.data.synthetic.RandomRanges` (each step
moves two knobs' bounds by a knob-sized Gaussian step and keeps the move if it helps) minimising the Fréchet distance of :func:`ecgtf.synthesis_quality.record_features` between
synthetic records (PTB-XL-like condition mix) and the *fitting* set: the PTB-XL half that is not the
protocol's reference, plus LUDB. The reference half is never looked at, so the protocol's numbers on it
stay an honest test. Prints the best ranges as Python, to be pasted into ``REALISTIC_RANGES``.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace

import numpy as np

KNOBS = {   # knob: (lowest allowed, highest allowed, search step)
    "hr_sinus_bpm": (40.0, 120.0, 5.0), "hr_afib_bpm": (60.0, 170.0, 8.0), "hrv": (0.0, 0.15, 0.01),
    "axis_offset_deg": (-60.0, 60.0, 5.0), "amplitude": (0.3, 2.5, 0.1), "emg_mv": (0.0, 0.08, 0.005),
    "qrs_scale": (0.5, 1.5, 0.05), "r_depth": (-0.6, 1.2, 0.1), "p_scale": (0.0, 2.0, 0.1),
    "s_scale": (0.0, 2.5, 0.1), "t_scale": (0.1, 2.5, 0.1), "t_rotation_deg": (-90.0, 90.0, 10.0),
    "q_scale": (0.0, 3.0, 0.2), "beat_amplitude_cv": (0.0, 0.2, 0.02),
    "electrode_noise_spread": (0.0, 1.5, 0.15), "non_dipolar_mv": (0.0, 0.3, 0.03),
}


def perturb(ranges, rng: np.random.Generator, n_knobs: int = 2):
    """Move the bounds of ``n_knobs`` random knobs by N(0, step), kept ordered and inside their limits."""
    changes = {}
    for knob in rng.choice(sorted(KNOBS), n_knobs, replace=False):
        lo_lim, hi_lim, step = KNOBS[knob]
        lo, hi = np.clip(np.sort(np.asarray(getattr(ranges, knob)) + rng.normal(0, step, 2)), lo_lim, hi_lim)
        changes[str(knob)] = (round(float(lo), 4), round(float(hi), 4))
    return replace(ranges, **changes)


def main(argv=None) -> int:
    from ecgtf import synthesis_quality as sq
    from ecgtf.data.synthetic import REALISTIC_RANGES, generate_dataset

    p = argparse.ArgumentParser(prog="python -m training.fit_synthetic", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=200, help="synthetic records per evaluation (default 200)")
    p.add_argument("--steps", type=int, default=80, help="search steps (default 80)")
    p.add_argument("--data-dir", default=None)
    p.add_argument("--seed", type=int, default=100, help="synthetic seed (not the protocol's 0)")
    args = p.parse_args(argv)

    train_half, _ = sq.ptbxl_halves(args.data_dir)
    ludb = sq.load_mv_records("ludb", args.data_dir)
    fit_views = np.concatenate([sq.protocol_view(train_half.signals, train_half.fs),
                                sq.protocol_view(ludb.signals, ludb.fs)])
    fit_features = sq.record_features(fit_views)
    print(f"fitting to {len(fit_views)} real records (PTB-XL training half + LUDB)")

    def score(ranges):
        signals, _, _ = generate_dataset(args.n, seed=args.seed, mix="ptb-xl", ranges=ranges)
        return sq.feature_frechet(fit_features, sq.record_features(sq.protocol_view(signals, 500.0)))

    rng = np.random.default_rng(args.seed)
    best = REALISTIC_RANGES
    best_fd = score(best)
    print(f"start (REALISTIC_RANGES): FD {best_fd:.2f}", flush=True)
    for step in range(args.steps):
        trial = perturb(best, rng)
        fd = score(trial)
        if fd < best_fd:
            moved = {k: getattr(trial, k) for k in KNOBS if getattr(trial, k) != getattr(best, k)}
            best, best_fd = trial, fd
            print(f"step {step + 1}: {moved} → FD {fd:.2f}", flush=True)
    print(f"best FD {best_fd:.2f} on the fitting set:\n{best!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
