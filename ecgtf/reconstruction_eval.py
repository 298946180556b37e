"""Evaluate Lead I → 12-lead reconstructors the same way: PTB-XL fold 10 and all of LUDB.

    python -m training.evaluate_reconstructors runs/unet1d-all runs/ekgan-ptbxl --preset unet1d_12lead \\
        --baselines --out docs/results

Every candidate gets each record's full 10 s Lead I (mV, 500 Hz) and returns 12 leads. Truth and
prediction are then compared in one space: band-pass 0.5–40 Hz (Butterworth order 4, zero-phase)
and 100 Hz. Per lead and averaged over the 11 reconstructed leads (all but I) and over the 7
independent ones (II, V1–V6):

- Pearson r, RMSE and MAE in mV **without oracle** (the model's own amplitude), and RMSE with an
  oracle amplitude (each predicted lead rescaled to the true lead's std: the paper's protocol);
- heart-rate MAE (XQRS on lead II at 500 Hz) and the share of reconstructions without beats;
- the limb-lead-law residual of the prediction (RMS of III − (II − I) etc., mV);
- the regression-to-the-mean slope: OLS slope of predicted vs true QRS amplitude (per record,
  1st–99th percentile range of the lead) per chest lead (1 = no shrinkage; Presacan et al. 2025);
- the frontal QRS axis (net QRS area of I and aVF at the true record's beats): median absolute error in degrees,
  and the sensitivity for left (< −30°) and right (> +90°) axis deviation (:func:`ecgtf.scores.frontal_axes`).

Baselines (``--baselines``): ridge regression (33 taps of Lead I at 100 Hz → each lead, fitted on
the same millivolt training windows as the reconstructor: PTB-XL folds 1–8, CinC 2011 acceptable,
CinC 2021) and each lead's population mean beat placed at Lead I's detected R peaks. Means come
with 95 % bootstrap confidence intervals over records.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from ecgtf.data.eval_sets import load_eval_set  # noqa: F401 (the protocol's API)
from ecgtf.kits.ridge import (  # noqa: F401 (the protocol's API)
    InputLeadsRidgeBaseline,
    MeanBeatBaseline,
    RidgeBaseline,
    baseline_training_data,
)
from ecgtf.leads import LEADS, lead_names  # noqa: F401
from ecgtf.personal_eval import cross_session_pairs, format_personal, personal_evaluation  # noqa: F401
from ecgtf.scores import (  # noqa: F401 (the protocol's API)
    BAND,
    CHEST,
    EVAL_FS,
    INDEPENDENT,
    RECONSTRUCTED,
    beats_found,
    bootstrap_ci,
    pearson,
    score,
    to_eval_space,
)


def evaluate_all(candidates: dict, sets=("ptb-xl-test", "ludb"), data_dir=None, baselines: bool = True,
                 progress: bool = True, inputs=("I",)) -> dict:
    """``candidates``: name → :class:`ecgtf.Reconstructor`, each given the leads ``inputs`` of every record (default
    Lead I). Returns {set: {name: score}}."""
    rows = [LEADS.index(n) for n in inputs]
    from ecgtf.progress import progress_bar

    base = {}
    if baselines:
        train = baseline_training_data(data_dir)
        windows = np.concatenate([train[:, :, :512], train[:, :, 488:]])
        models = [RidgeBaseline(windows), MeanBeatBaseline(train)]
        if tuple(inputs) != ("I",):
            models.insert(1, InputLeadsRidgeBaseline(windows, tuple(inputs)))
        base = {b.name: b for b in models}
    results = {}
    for set_name in sets:
        signals, fs, ids = load_eval_set(set_name, data_dir)
        true_eval = np.stack([to_eval_space(s, fs) for s in signals])
        true_beats = beats_found(true_eval)
        results[set_name] = {}
        for name, rec in candidates.items():
            preds = np.stack([rec.reconstruct(s[rows] if len(rows) > 1 else s[rows[0]], fs, quality=False,
                                              leads=inputs, coverage=None).leads
                              for s in progress_bar(signals, desc=f"{set_name}: {name}", disable=not progress or None)])
            pred_eval = np.stack([to_eval_space(p, fs) for p in preds])
            results[set_name][name] = score(true_eval, pred_eval, signals, preds, fs, true_beats)
            results[set_name][name]["units"] = rec.units
        for name, b in base.items():
            pred_eval = np.stack([b.predict_record(t) for t in true_eval])
            from ecgtf.preprocessing.signal import resample

            pred_raw = np.stack([resample(p, EVAL_FS, fs) for p in pred_eval])
            results[set_name][name] = score(true_eval, pred_eval, signals, pred_raw, fs, true_beats)
            results[set_name][name]["units"] = "mV"
    return results


def format_per_lead_r(results: dict, inputs) -> str:
    """Per-lead Pearson r of every candidate, marking the given (g) and exactly derived (d) leads."""
    from ecgtf.leads import LIMB_COORDINATES

    limb_given = [n for n in inputs if n in LIMB_COORDINATES]
    derived = {n for n in LIMB_COORDINATES if n not in inputs} if len(limb_given) >= 2 else set()
    head = [f"{n}{' (g)' if n in inputs else ' (d)' if n in derived else ''}" for n in LEADS]
    out = []
    for set_name, rows in results.items():
        out.append(f"**{set_name}**, inputs {'+'.join(inputs)}: per-lead r (g = given, d = derived exactly)\n")
        out.append("| model | " + " | ".join(head) + " |")
        out.append("|---|" + "---:|" * len(LEADS))
        for name, res in rows.items():
            out.append(f"| {name} | " + " | ".join(f"{res['per_lead'][n]['r']:.3f}" for n in LEADS) + " |")
        out.append("")
    return "\n".join(out)


def format_markdown(results: dict) -> str:
    """The README table: one block per evaluation set."""
    cols = [("r (11)", "r_11", 3), ("r (II,V1–V6)", "r_7", 3), ("RMSE mV (11)", "rmse_mv_11", 3),
            ("RMSE mV (II,V1–V6)", "rmse_mv_7", 3), ("MAE mV (11)", "mae_mv_11", 3),
            ("oracle RMSE (11)", "rmse_oracle_mv_11", 3), ("HR MAE bpm", "hr_mae_bpm", 2),
            ("no beats %", "hr_fail_pct", 1), ("beats found % (11 leads)", "beats_all_leads_pct", 1),
            ("limb-law RMS mV", "limb_law_rms_mv", 3),
            ("QRS slope V1–V6", "qrs_slope_chest", 2), ("axis error ° (median)", "axis_error_median_deg", 0),
            ("LAD sens.", "lad_sensitivity", 2), ("RAD sens.", "rad_sensitivity", 2)]
    out = []
    for set_name, rows in results.items():
        n = next(iter(rows.values()))["n_records"]
        out.append(f"**{set_name}** ({n} records)\n")
        out.append("| model | " + " | ".join(c[0] for c in cols) + " |")
        out.append("|---|" + "---:|" * len(cols))
        for name, res in rows.items():
            s = res["summary"]
            cells = []
            for _, key, d in cols:
                v = s.get(key, float("nan"))
                ci = s.get(key + "_ci")
                cells.append(f"{v:.{d}f}" + (f" [{ci[0]:.{d}f}, {ci[1]:.{d}f}]" if ci and key.startswith("r_") else ""))
            unit = "" if res.get("units") == "mV" else f" ({res.get('units')})"
            out.append(f"| {name}{unit} | " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m training.evaluate_reconstructors", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="Does a reconstruction keep the diagnosis? `ecgtf evaluate --diagnostic --classifier RUN "
                                       "[reconstructors]` classifies held-out records from the original and the "
                                       "reconstructed 12 leads (`ecgtf evaluate --diagnostic --help`).")
    p.add_argument("models", nargs="*", help="run directories and/or .tflite files")
    p.add_argument("--preset", action="append", default=[], help="a shipped preset (repeatable)")
    p.add_argument("--baselines", action="store_true", help="add ridge regression and the population mean beat")
    p.add_argument("--sets", default="ptb-xl-test,ludb", help="evaluation sets (default ptb-xl-test,ludb)")
    p.add_argument("--data-dir", type=Path, default=None, help="data root (default $ECGTF_DATA or ~/.cache/ecgtf/data)")
    p.add_argument("--weights", choices=["best", "final"], default="best")
    p.add_argument("--out", type=Path, default=Path("runs/evaluation"), help="folder for results.json and results.md")
    p.add_argument("--inputs", action="append", default=None,
                   help="leads each model is given, e.g. I,II (default I); repeatable: one evaluation per set of leads "
                        "in OUT/<I+II>/ and one summary table OUT/summary.md. The Lead I ridge and the mean beat use "
                        "Lead I; with more leads a ridge on those leads is added")
    p.add_argument("--personal", action="store_true",
                   help="also: each model personalised to a person's earlier 12-lead (PTB-XL patients with two "
                        "recording dates) and to the first 4.8 s of a LUDB recording")
    return p


def main(argv=None) -> int:
    from ecgtf.reconstructor import Reconstructor
    from ecgtf.runs import atomic_write_text

    args = build_parser().parse_args(argv)
    cands = {}
    try:
        for m in args.models:
            p = Path(m)
            rec = Reconstructor.from_tflite(p) if p.suffix == ".tflite" else Reconstructor.from_run(p, args.weights)
            cands[p.name if p.suffix != ".tflite" else p.stem] = rec
        for name in args.preset:
            cands[f"preset {name}"] = Reconstructor.from_preset(name)
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not cands and not args.baselines:
        print("error: nothing to evaluate: give runs, .tflite files, --preset or --baselines", file=sys.stderr)
        return 2
    try:
        input_sets = [lead_names(x) for x in (args.inputs or ["I"])]
    except ValueError as exc:
        print(f"error: --inputs: {exc}", file=sys.stderr)
        return 2
    every = {}
    for inputs in input_sets:
        out = args.out if len(input_sets) == 1 else args.out / "+".join(inputs)
        try:
            every["+".join(inputs)] = _evaluate_inputs(args, cands, inputs, out)
        except (ValueError, FileNotFoundError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    if len(input_sets) > 1:
        atomic_write_text(args.out / "summary.md", format_input_sets(every))
        print(format_input_sets(every))
        print(f"wrote {args.out}/summary.md")
    return 0


def _evaluate_inputs(args, cands: dict, inputs: tuple, out: Path) -> dict:
    """One evaluation of every candidate given ``inputs``, written to ``out``; returns its results."""
    from ecgtf.runs import atomic_write_json, atomic_write_text

    results = evaluate_all(cands, tuple(args.sets.split(",")), args.data_dir, args.baselines, inputs=inputs)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_json(out / "results.json", results)
    if args.personal:
        personal = {name: personal_evaluation(rec, args.data_dir, inputs=inputs) for name, rec in cands.items()}
        atomic_write_json(out / "personal.json", personal)
        text = "\n\n".join(f"**{name}**, inputs {'+'.join(inputs)}, personal (fitted on the reference, tested "
                           f"elsewhere)\n\n{format_personal(r)}" for name, r in personal.items())
        atomic_write_text(out / "personal.md", text)
        print(text)
    table = format_markdown(results) + ("\n" + format_per_lead_r(results, inputs) if inputs != ("I",) else "")
    atomic_write_text(out / "results.md", table)
    print(table)
    print(f"wrote {out}/results.json and results.md")
    return results


def format_input_sets(every: dict) -> str:
    """One table over input sets: the leads not given (other chest leads, r over II and V1–V6), amplitude and axis."""
    cols = "| inputs | set | model | other chest r | r (II,V1–V6) [95 % CI] | RMSE mV (II,V1–V6) | QRS slope V1–V6 | " \
           "axis error ° | LAD sens. | RAD sens. |"
    lines = [cols, "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for inputs, results in every.items():
        given = set(inputs.split("+"))
        chest = [n for n in CHEST if n not in given]
        for set_name, rows in results.items():
            for name, res in rows.items():
                s = res["summary"]
                other = np.mean([res["per_lead"][n]["r"] for n in chest]) if chest else float("nan")
                ci = s["r_7_ci"]
                lines.append(f"| {inputs} | {set_name} | {name} | {other:.3f} | {s['r_7']:.3f} [{ci[0]:.3f}, {ci[1]:.3f}] "
                             f"| {s['rmse_mv_7']:.3f} | {s['qrs_slope_chest']:.2f} | {s['axis_error_median_deg']:.0f} | "
                             f"{s['lad_sensitivity']:.2f} | {s['rad_sensitivity']:.2f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
