"""The MIT-BIH beat-generator bench: one table for every trained beat generator.

    python -m training.evaluate_beat_generators runs/beat-bench/*/ --out runs/beat-bench/bench
    python -m training.evaluate_beat_generators runs/beat-bench            # every run inside

Each run is evaluated on the held-out inter-patient records (DS2) in its own window (length, rate,
scaling of its paper): PRD, RMSE, Fréchet distance, DTW and Euclidean distance to the nearest real
beat, MMD², 1NNC — each with the real→real floor — and TSTR vs TRTR per-class F1 of a small beat
classifier, plus parameters, training and sampling time. Writes ``results.json``, ``bench.md``
(the README table) and ``examples.png`` to ``--out``. Details: :mod:`ecgtf.models.beatgen.bench`.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m training.evaluate_beat_generators", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs", nargs="+", type=Path, help="run directories, or folders holding runs")
    p.add_argument("--out", type=Path, default=Path("runs/beat-bench/bench"), help="output folder")
    p.add_argument("--n", type=int, default=300, help="generated and real beats compared per run (default 300)")
    p.add_argument("--no-utility", action="store_true", help="skip the TSTR/TRTR classifiers")
    p.add_argument("--seed", type=int, default=0)
    return p


def find_runs(paths) -> list[Path]:
    out = []
    for p in paths:
        if (p / "config.json").exists():
            out.append(p)
        elif p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if (q / "config.json").exists()))
        else:
            raise FileNotFoundError(f"{p}: not a run directory (no config.json) nor a folder of runs")
    return out


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if args.n < 20:
        print(f"error: --n must be at least 20, got {args.n}", file=sys.stderr)
        return 2
    try:
        paths = find_runs(args.runs)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from ecgtf.models.beatgen import BEAT_MODELS
    from ecgtf.models.beatgen.bench import evaluate_run, table
    from ecgtf.progress import progress_bar
    from ecgtf.runs import Run, atomic_write_json, atomic_write_text

    runs = [Run(p) for p in paths]
    skipped = [r for r in runs if r.model not in BEAT_MODELS]
    for r in skipped:
        print(f"skipping {r.path}: {r.model} is not a MIT-BIH beat generator", file=sys.stderr)
    runs = [r for r in runs if r.model in BEAT_MODELS]
    if not runs:
        print("error: no beat-generator runs given", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    results = []
    for r in progress_bar(runs, desc="beat bench"):
        results.append(evaluate_run(r, n=args.n, seed=args.seed, with_utility=not args.no_utility))
        atomic_write_json(args.out / "results.json", results)  # partial results survive a crash
    text = table(results)
    atomic_write_text(args.out / "bench.md", text + "\n")
    from ecgtf.plots import plot_beat_bench

    plot_beat_bench(results, args.out / "examples.png")
    print(text)
    print(f"\nwrote {args.out / 'results.json'}, {args.out / 'bench.md'}, {args.out / 'examples.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
