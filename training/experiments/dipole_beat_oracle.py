"""How much of the dipole generator's 1NNC gap is beat shape? (issue 16, session 11)

    ECGTF_DATA=../shared/data python training/experiments/dipole_beat_oracle.py [--sets 4]

Three sources of 248 records each, judged by the synthesis protocol's 1NNC against sets of the 1,784
z-scored PTB-XL records (never the protocol's reference half):
- ``dipole``: ``generate_dataset(mix="ptb-xl")`` as shipped;
- ``real beats``: the median beats (500 Hz, I, II, V1–V6, mV) of the PTB-XL *fitting* half, each tiled at
  the dipole generator's own rhythm (its RR model at that record's heart rate) with its own electrode noise —
  the dipole's rhythm and noise with real beat shapes;
- ``PCA beats (K)``: the same, with beats *sampled* from a Gaussian over the first K principal components of
  those median beats (new shapes, no record copied).
Session 11 (4 sets): dipole 0.604, real beats 0.556, PCA beats 0.578 (K = 10), 0.581 (20), 0.577 (40): the
rhythm and noise models are not the gap; the Gaussian-wave beat shapes are.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ecgtf import synthesis_quality as sq  # noqa: E402
from ecgtf.data import synthetic as syn  # noqa: E402
from ecgtf.leads import INDEPENDENT_LEADS, LEADS, complete_from_independent  # noqa: E402
from ecgtf.metrics import one_nn_accuracy  # noqa: E402

FS = 500.0
PRE, POST = int(0.35 * FS), int(0.65 * FS)


def median_beat_bank(signals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(beats (N, 8, PRE+POST) mV, baseline at −300…−250 ms removed; median RR (s)) of 500 Hz records."""
    views = sq.protocol_view(signals, FS)
    ind = [LEADS.index(name) for name in INDEPENDENT_LEADS]
    beats, rrs = [], []
    for x, v in zip(np.asarray(signals, np.float64), views):
        peaks, _ = sq.beat_peaks(v)
        if peaks.size < 3:
            continue
        at = peaks * int(FS / sq.PROTOCOL_FS)
        at = at[(at >= PRE) & (at + POST <= x.shape[-1])]
        if at.size < 2:
            continue
        b = np.median(np.stack([x[ind, k - PRE:k + POST] for k in at]), 0)
        beats.append(b - b[:, int(0.05 * FS):int(0.1 * FS)].mean(1, keepdims=True))
        rrs.append(np.median(np.diff(peaks)) / sq.PROTOCOL_FS)
    return np.array(beats), np.array(rrs)


def tiled_records(bank: np.ndarray, rrs: np.ndarray, n: int, seed: int) -> np.ndarray:
    """n records (n, 12, 5000) mV: a bank beat at the dipole's RR model + electrode noise (NORM ranges)."""
    rng = np.random.default_rng(seed)
    taper = np.ones(PRE + POST)
    k = int(0.08 * FS)
    taper[:k], taper[-k:] = np.hanning(2 * k)[:k], np.hanning(2 * k)[k:]
    t = np.arange(5000) / FS
    out = []
    for _ in range(n):
        j = rng.integers(len(bank))
        cfg = replace(syn.random_config(rng, condition="NORM"), heart_rate_bpm=float(np.clip(60 / rrs[j], 30, 200)))
        rr = syn._rr_intervals(cfg, rng, 13.0)
        r_times = -1.5 + rng.uniform(0, rr[0]) + np.concatenate([[0.0], np.cumsum(rr[:-1])])
        sig = np.zeros((8, 5000 + PRE + POST))
        for r in r_times:
            c = int(round(r * FS)) + PRE
            if c >= PRE and c + POST <= sig.shape[1]:
                sig[:, c - PRE:c + POST] += bank[j] * taper
        sig = sig[:, PRE:PRE + 5000] + syn._electrodes_to_leads(syn._electrode_noise(cfg, rng, t))
        out.append(complete_from_independent(sig))
    return np.array(out)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sets", type=int, default=4, help="sets of 248 z-scored PTB-XL records (default 4)")
    p.add_argument("--data-dir", default=None, help="data root (default $ECGTF_DATA)")
    args = p.parse_args(argv)
    from ecgtf.data.ptbxl import PtbxlZscore
    from ecgtf.data.sources import dataset_dir

    fitting, _ = sq.ptbxl_halves(args.data_dir)
    bank, rrs = median_beat_bank(fitting.signals)
    z = PtbxlZscore(dataset_dir("ptb-xl-zscore", args.data_dir)).load(progress=False)
    pool = sq.protocol_view(z.signals, z.fs).astype(np.float64)
    pool = pool[np.random.default_rng(777).permutation(len(pool))]
    sets = [pool[k * 248:(k + 1) * 248] for k in range(args.sets)]
    flat = bank.reshape(len(bank), -1)
    mean = flat.mean(0)
    _, _, vt = np.linalg.svd(flat - mean, full_matrices=False)
    rows = {"dipole": lambda k: syn.generate_dataset(248, seed=700 + k, mix="ptb-xl")[0],
            "real beats": lambda k: tiled_records(bank, rrs, 248, 700 + k)}
    for n_pc in (10, 20, 40):
        cov = np.cov(((flat - mean) @ vt[:n_pc].T).T)

        def pca_records(k, n_pc=n_pc, cov=cov):
            rng = np.random.default_rng(900 + k)
            sampled = mean + rng.multivariate_normal(np.zeros(n_pc), cov, size=len(bank)) @ vt[:n_pc]
            return tiled_records(sampled.reshape(bank.shape), rrs, 248, 700 + k)
        rows[f"PCA beats (K={n_pc})"] = pca_records
    for name, make in rows.items():
        scores = [one_nn_accuracy(real, sq.protocol_view(make(k), FS)) for k, real in enumerate(sets)]
        print(f"{name:18s} 1NNC {np.mean(scores):.3f}  sets {np.round(scores, 3)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
