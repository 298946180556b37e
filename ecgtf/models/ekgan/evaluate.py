"""Evaluate trained Lead I → 12-lead runs (and the ridge baseline) on held-out patients.

    ecgtf evaluate runs/ekgan-ptbxl runs/pix2pix-ptbxl --ridge
    ecgtf evaluate runs/ekgan-ptbxl --data ludb --ridge      # external set: all of LUDB
    (``python -m training.evaluate …`` is the same command)

By default each run is evaluated on its own test split (PTB-XL fold 10, or the patient split of
its data). With ``--data`` every run is evaluated on all records of that source instead. The ridge
baseline is fitted on the training split of the first run's data with its preprocessing.
Prints a table (overall metrics, mV) and the per-lead table of each model; writes JSON and plots.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ecgtf.arguments import non_negative_int


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ecgtf evaluate (EKGAN)", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs", nargs="+", type=Path, help="run directories written by training.ekgan")
    p.add_argument("--data", default=None, help="evaluate on all records of this source (e.g. ludb) instead")
    p.add_argument("--data-dir", type=Path, default=None, help="data root (default $ECGTF_DATA or ~/.cache/ecgtf/data)")
    p.add_argument("--split", choices=["val", "test"], default="test", help="split of the run's own data")
    p.add_argument("--ridge", action="store_true", help="add the ridge-regression baseline")
    p.add_argument("--out", type=Path, default=None, help="output folder (default <first run>/evaluation)")
    p.add_argument("--plots", type=non_negative_int, default=2, help="overlay plots per model (default 2)")
    p.add_argument("--weights", choices=["final", "best"], default="final",
                   help="last epoch (default) or best validation epoch")
    return p


def _name(run) -> str:
    tag = run.variant + ("+physics" if run.architecture.physics_head else "")
    return f"{tag} w{run.architecture.width:g} ({run.path.name})"


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    from ecgtf.models.ekgan.inference import evaluate_predictions, plot_examples, predict
    from ecgtf.models.ekgan.trainer import load_split_data
    from ecgtf.runs import Run, atomic_write_json
    from ecgtf.scores import format_per_lead, format_table
    from ecgtf.trainer import fail

    try:
        runs = [Run(r) for r in args.runs]
    except (ValueError, FileNotFoundError) as exc:
        return fail(str(exc))
    bad = [str(r.path) for r in runs if r.model != "ekgan"]
    if bad:
        return fail(f"this evaluation is for EKGAN/Pix2Pix runs; {bad} are not (use python -m training.evaluate_reconstructors)")
    out = args.out or args.runs[0] / "evaluation"
    out.mkdir(parents=True, exist_ok=True)
    results, cache = {}, {}
    first = runs[0]
    print("note: per_lead models are scored in mV with each record's true per-lead scale (an oracle amplitude, "
          "as in the paper); fixed-normalisation models must predict amplitude themselves.")

    def data_for(run):
        key = (json.dumps(run.raw["preprocessing"], sort_keys=True), json.dumps(run.raw["data"], sort_keys=True))
        if key not in cache:
            if args.data:
                from ecgtf.data.sources import load_source
                from ecgtf.models.ekgan.preprocessing import prepare_pairs

                ds = load_source(args.data, args.data_dir, seed=run.data.seed)
                x, y, sc, off = prepare_pairs(ds.signals, ds.fs, run.preprocessing)
                split = {"eval": (x, y, sc, off, ds.record_ids)}
                if args.ridge:
                    split["train"] = load_split_data(run)["train"]
            else:
                d = load_split_data(run)
                split = {"eval": d[args.split], "train": d["train"]}
            cache[key] = split
        return cache[key]

    for run in runs:
        try:
            gen, pre = run.generator(args.weights), run.preprocessing
            d = data_for(run)
        except (ValueError, FileNotFoundError) as exc:
            return fail(f"{run.path}: {exc}")
        x, y, sc, off, ids = d["eval"]
        pred = predict(gen, x)
        name = _name(run) + (" best" if args.weights == "best" else "")
        results[name] = evaluate_predictions(pred, y, sc, off, pre)
        plot_examples(pred, y, sc, off, out, run.path.name, n=args.plots, pre=pre, record_ids=ids)

    if args.ridge:
        from ecgtf.kits.ridge import RidgeLeadRegressor
        from ecgtf.models.ekgan.preprocessing import leads_from_model, pad_rows

        # one ridge per preprocessing in use, so every model has a baseline on the same footing
        seen = {}
        for run in runs:
            seen.setdefault(run.preprocessing.normalization, run)
        for norm, run in seen.items():
            pre = run.preprocessing
            d = data_for(run)
            x_tr, y_tr = d["train"][:2]
            ridge = RidgeLeadRegressor().fit(leads_from_model(x_tr, pre)[:, 0], leads_from_model(y_tr, pre))
            x, y, sc, off, ids = d["eval"]
            pred = pad_rows(ridge.predict(leads_from_model(x, pre)[:, 0]), pre)
            name = f"ridge ({norm})"
            results[name] = evaluate_predictions(pred, y, sc, off, pre)
            plot_examples(pred, y, sc, off, out, f"ridge_{norm}", n=args.plots, pre=pre, record_ids=ids)

    where = args.data or f"{first.data.source} {args.split} split"
    print(f"\nEvaluation on {where} ({next(iter(results.values()))['n_records']} records), overall, mV:")
    print(format_table(results))
    for name, r in results.items():
        print(f"\n{name}: per lead")
        print(format_per_lead(r))
    tag = (args.data or args.split).replace("/", "_")
    atomic_write_json(out / f"evaluation_{tag}.json", results)
    from ecgtf.runs import atomic_write_text

    atomic_write_text(out / f"evaluation_{tag}.txt", format_table(results) + "\n")
    print(f"\nwrote {out}/evaluation_{tag}.json and overlay plots to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
