"""``python -m training.evaluate_synthesis`` (= ``ecgtf evaluate`` on a Pulse2Pulse run): judge synthetic
10 s 12-lead ECGs on one protocol.

Every source is scored against the reference half of PTB-XL (patients split in two) by
:mod:`ecgtf.synthesis_quality`: band-pass 0.5–40 Hz, 100 Hz, per-lead z-score; 1NNC, MMD², the Fréchet
distance of interpretable features, Einthoven's residual, heart-rate spread, generation speed.

    python -m training.evaluate_synthesis --sources real,dipole,neurokit2,deepfake-ecg,runs/pulse2pulse-cpu --out runs/synthesis

Sources: ``real`` (the other half of PTB-XL), ``dipole`` (ecgtf's generator with learned beats, PTB-XL-like
condition mix), ``dipole-balanced`` (the same, conditions evenly: ``--data synthetic``), ``dipole-waves`` (the
fitted Gaussian-wave ranges), ``dipole-original`` (ecgtf ≤ 0.1), ``neurokit2``, ``deepfake-ecg`` (needs PyTorch), or a Pulse2Pulse run directory. A source that cannot run here (a
missing package) is reported and skipped. Writes ``table.md``, ``results.json`` and ``examples.png``.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from ecgtf.arguments import positive_int


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m training.evaluate_synthesis", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs", nargs="*", type=Path,
                   help="generator run directories to score beside real and dipole (ecgtf evaluate RUN); "
                        "with --sources they are added to those")
    p.add_argument("--sources", default=None,
                   help="comma-separated: real, dipole, dipole-balanced, dipole-waves, dipole-original, neurokit2, "
                        "deepfake-ecg, or generator run directories (default: real,dipole,neurokit2,deepfake-ecg; "
                        "real,dipole when runs are given)")
    p.add_argument("--n", type=positive_int, default=None, help="generated records per source (default: the reference size)")
    p.add_argument("--data-dir", default=None, help="data root holding ptb-xl (default: $ECGTF_DATA, else ~/.cache/ecgtf/data)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--repeats", type=positive_int, default=1,
                   help="generated sets per source (seeds seed, seed+1, …): the table gives the mean of every "
                        "metric and the 1NNC's spread across sets (default 1; one set's 1NNC varies by ±0.02–0.03)")
    p.add_argument("--out", type=Path, default=None, help="folder for table.md, results.json, examples.png")
    return p


def generate(source: str, n: int, seed: int, real_half):
    """``(signals, fs, note, seconds per 1,000 records or None)`` of one source."""
    from ecgtf import synthesis_quality as sq

    if source == "real":
        return real_half.signals, real_half.fs, "other half of PTB-XL", None
    start = time.perf_counter()
    if source in sq.GENERATED:
        signals, fs, note = sq.GENERATED[source](n, seed)
    elif Path(source).is_dir() and (Path(source) / "config.json").exists():
        signals, fs, note = sq.run_records(source, n, seed)
    else:
        raise ValueError(f"unknown source {source!r}: expected real, {', '.join(sq.GENERATED)} or a generator run "
                         "directory (with config.json)")
    return signals, fs, note, 1000.0 * (time.perf_counter() - start) / n


def plot_examples(examples: dict, path: Path) -> None:
    """Lead II and V2 of one record per source, in protocol units."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ecgtf.plots import save_figure

    fig, axes = plt.subplots(len(examples), 1, figsize=(12, 1.6 * len(examples)), squeeze=False)
    t = np.arange(1000) / 100.0
    for ax, (name, view) in zip(axes[:, 0], examples.items()):
        ax.plot(t, view[1], lw=0.8, label="II")
        ax.plot(t, view[7] - 6, lw=0.8, label="V2 (−6)")
        ax.set_ylabel(name, rotation=0, ha="right", fontsize=8)
        ax.set_yticks([])
    axes[0, 0].legend(loc="upper right", fontsize=7)
    axes[-1, 0].set_xlabel("s (band-passed 0.5–40 Hz, 100 Hz, per-lead z-score)")
    fig.tight_layout()
    save_figure(fig, path, dpi=90)


def main(argv=None) -> int:
    from ecgtf import synthesis_quality as sq

    args = build_parser().parse_args(argv)
    default = "real,dipole" if args.runs else "real,dipole,neurokit2,deepfake-ecg"
    sources = [s.strip() for s in (args.sources or default).split(",") if s.strip()] + [str(r) for r in args.runs]
    if args.repeats < 1:
        print(f"error: --repeats must be ≥ 1, got {args.repeats}", file=sys.stderr)
        return 2
    try:
        real_half, reference = sq.ptbxl_halves(args.data_dir)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    ref_views = sq.protocol_view(reference.signals, reference.fs)
    ref_features = sq.record_features(ref_views)
    n = args.n or len(reference)
    print(f"reference: {len(reference)} PTB-XL records (half of the patients); {n} records per generated source")
    rows, examples = [], {"reference (PTB-XL)": ref_views[0]}
    for source in sources:
        name = Path(source).name if Path(source).is_dir() else source
        repeats = 1 if source == "real" else args.repeats
        try:
            sets = [generate(source, n, args.seed + k, real_half) for k in range(repeats)]
        except (ImportError, ValueError, FileNotFoundError) as exc:
            print(f"skipping {source}: {exc}", file=sys.stderr)
            continue
        row = sq.mean_score([sq.score_source(name, signals, fs, ref_views, ref_features, speed, note, seed=args.seed + k)
                             for k, (signals, fs, note, speed) in enumerate(sets)])
        signals, fs = sets[0][:2]
        rows.append(row)
        examples[name] = sq.protocol_view(signals[:1], fs)[0]
        print(f"{name}: 1NNC {row.nnc:.3f}  MMD² {row.mmd2:.2e} (features {row.mmd2_features:.3f})  FD {row.fd:.1f}  Einthoven {row.einthoven:.1e}  "
              f"HR {row.hr_mean:.0f} ± {row.hr_spread:.0f}", flush=True)
    table = sq.format_table(rows)
    print(table)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "table.md").write_text(table + "\n")
        (args.out / "results.json").write_text(json.dumps([asdict(r) for r in rows], indent=1, default=float))
        plot_examples(examples, args.out / "examples.png")
        print(f"wrote {args.out}/table.md, results.json, examples.png")
    return 0 if rows else 2


if __name__ == "__main__":
    sys.exit(main())
