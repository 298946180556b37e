"""Evaluate LSTM-GAN generators: the original README protocol and set-level metrics.

    ecgtf evaluate runs/lstm-gan-ludb --original generator_80e.h5
    python -m training.evaluate_lstm_gan runs/lstm-gan-ludb --original generator_80e.h5   # the same

Both generators are compared with the same held-out LUDB beats (the run's 20 % patient split;
``--data`` overrides the source). Prints two tables, writes JSON and a real-vs-generated plot grid.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ecgtf.arguments import positive_int


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ecgtf evaluate (LSTM-GAN)", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("run", type=Path, nargs="?", default=None, help="run directory of training.lstm_gan")
    p.add_argument("--original", type=Path, default=None, help="original ecgGAN generator .h5 to evaluate too")
    p.add_argument("--data", default=None, help="beat source when no run is given or to override (default: the run's)")
    p.add_argument("--data-dir", type=Path, default=None, help="data root (default $ECGTF_DATA or ~/.cache/ecgtf/data)")
    p.add_argument("--n", type=positive_int, default=300, help="beats per set (default 300)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=None, help="output folder (default <run>/evaluation)")
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    from ecgtf.models.lstm_gan import WeightsFileError, generate_beats, load_original_generator
    from ecgtf.models.lstm_gan.trainer import load_beats
    from ecgtf.plots import plot_beats_grid
    from ecgtf.scores import ecggan_protocol, set_level_beats
    from ecgtf.trainer import atomic_write_json, fail

    if args.run is None and args.original is None:
        return fail("give a run directory and/or --original H5")
    if args.run is not None and not (args.run / "config.json").exists():
        return fail(f"{args.run} is not a run directory (no config.json)")
    import dataclasses

    from ecgtf.models.lstm_gan.trainer import LstmGanData
    from ecgtf.runs import Run

    try:
        run = Run(args.run) if args.run else None
    except (ValueError, FileNotFoundError) as exc:
        return fail(str(exc))
    data = run.data if run else LstmGanData(source="ludb", seed=args.seed)
    if args.data:
        data = dataclasses.replace(data, source=args.data)
    if args.data_dir:
        data = dataclasses.replace(data, data_dir=str(args.data_dir))
    out = args.out or (args.run / "evaluation" if args.run else Path("runs") / "lstm-gan-evaluation")
    out.mkdir(parents=True, exist_ok=True)
    try:
        beats = load_beats(type("BeatSource", (), {"data": data})(), progress=False)
    except (ValueError, FileNotFoundError) as exc:
        return fail(str(exc))
    heldout = beats["heldout"][:, 0]
    gens = {}
    try:
        if run:
            gens[f"ecgtf ({args.run.name})"] = run.generator()
        if args.original:
            gens["original 80 epochs"] = load_original_generator(args.original)
    except (WeightsFileError, OSError, ValueError) as exc:
        return fail(str(exc))
    results = {}
    for name, g in gens.items():
        fake = generate_beats(g, args.n, seed=args.seed)
        results[name] = {"ecggan_protocol": ecggan_protocol(heldout, fake, args.seed),
                         "set_level": set_level_beats(heldout, fake, args.n, args.seed)}
        plot_beats_grid(fake, out / f"beats_{name.split()[0]}.png", title=f"{name}: held-out real (top) vs generated",
                        reference=heldout[:4])
    src = f"{data.source} lead {data.lead}, {len(heldout)} held-out beats"
    print(f"\nOriginal README protocol (each generated beat vs an unrelated real beat), {src}:")
    print(f"{'model':<28}{'RMSE mean/min/max':>26}{'PRD % (standard)':>26}{'PRD (ecgGAN def.)':>26}{'MMD pair':>26}")
    for name, r in results.items():
        p = r["ecggan_protocol"]
        cell = lambda d: f"{d['mean']:.3f}/{d['min']:.3f}/{d['max']:.3f}"  # noqa: E731
        print(f"{name:<28}{cell(p['rmse']):>26}{cell(p['prd_pct']):>26}{cell(p['prd_ecggan']):>26}{cell(p['mmd']):>26}")
    print("\nSet level, generated vs held-out real beats:")
    keys = ("mmd", "nn_dtw", "nn_frechet", "one_nn_accuracy")
    print(f"{'model':<28}" + "".join(f"{k:>18}" for k in keys))
    for name, r in results.items():
        print(f"{name:<28}" + "".join(f"{r['set_level'][k]:>18.4f}" for k in keys))
    first = next(iter(results.values()))["set_level"]
    print(f"(real vs real floor: nn_dtw {first['nn_dtw_real_floor']:.4f}, nn_frechet {first['nn_frechet_real_floor']:.4f})")
    atomic_write_json(out / "evaluation.json", {"data": src, **results})
    print(f"\nwrote {out}/evaluation.json and beat grids")
    return 0


if __name__ == "__main__":
    sys.exit(main())
