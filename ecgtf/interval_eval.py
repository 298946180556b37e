"""Calibrate a reconstructor's intervals (:mod:`ecgtf.intervals`) on held-out records and measure them elsewhere.

    python -m training.calibrate_intervals --preset unet1d_lite --inputs I --inputs I,II --write

Calibration pool: PTB-XL fold 9 (validation) and LUDB (another hospital and device: errors there are larger, and a
band calibrated on one hospital only under-covers the other). Test sets: PTB-XL fold 10 (never used for calibration);
LUDB measured by cross-fitting (each half of its records with a calibration that left that half out); the CinC 2021
records (never used for calibration, but in the shipped reconstructors' training data: in-sample there). Each record is reconstructed as a user would (``reconstruct(…,
quality=False, leads=inputs)``); the truth is the record band-passed 0.5–40 Hz (order 4, zero-phase) at 500 Hz.
Personalised: the first 4.8 s of a record are the reference (:meth:`ecgtf.Reconstructor.personalize`), the rest is
reconstructed. Reported per set of given leads and per lead: observed vs nominal coverage, mean width, the width of
a constant band per lead of the same observed coverage, and Spearman's rank correlation between a record's mean
width and its RMSE (per lead over records, and over all (record, lead) pairs).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

from ecgtf.data.eval_sets import load_eval_set
from ecgtf.files import atomic_write_json, atomic_write_text
from ecgtf.intervals import IntervalCalibration, calibrate_set, interval_key, spread
from ecgtf.leads import LEADS, lead_names
from ecgtf.plots import plot_coverage
from ecgtf.preprocessing.signal import bandpass
from ecgtf.presets import preset_dir
from ecgtf.progress import progress_bar
from ecgtf.reconstructor import Reconstructor
from ecgtf.scores import BAND

POOL = ("ptb-xl-val", "ludb")
"""The calibration pool: PTB-XL fold 9 (validation) and LUDB (another hospital and device)."""
TEST_SETS = ("ptb-xl-test", "ludb", "cinc2021")
REPORTED = (0.5, 0.8, 0.95)
RELIABILITY = tuple(round(0.05 * k, 2) for k in range(1, 20))
"""The nominal coverages of the reliability plot (0.05 … 0.95)."""
REFERENCE_S = 4.8
"""Personalised reconstruction: the reference is a record's first 4.8 s, the test its rest."""


def band_passed_truth(signal: np.ndarray, fs: float) -> np.ndarray:
    """What an interval should hold: the lead band-passed 0.5–40 Hz (Butterworth order 4, zero-phase) at ``fs``."""
    return bandpass(np.asarray(signal, np.float64), fs, BAND[0], min(BAND[1], 0.45 * fs), order=4)


def fixed_rows(info: dict) -> tuple[int, ...]:
    """Rows a reconstruction took from its input (given and exactly derived leads; Lead I alone: row 0)."""
    names = tuple(info.get("given", ("I",))) + tuple(info.get("derived", ()))
    return tuple(sorted(LEADS.index(n) for n in names))


def collect(rec, set_name: str, inputs=("I",), personal: bool = False, data_dir=None, progress: bool = True,
            cache: Path | None = None) -> dict:
    """Reconstructions and truths of one set: {"recon", "truth": (N, 12, n) float32, "fixed": rows per record,
    "fs", "ids"}; ``cache``: a folder where the arrays are kept and read back."""
    name = f"{set_name}_{interval_key(inputs, personal).replace(':', '-')}"
    if cache is not None and (Path(cache) / f"{name}.npz").exists():
        z = np.load(Path(cache) / f"{name}.npz", allow_pickle=False)
        return {"recon": z["recon"], "truth": z["truth"], "fixed": [tuple(r) for r in z["fixed"]],
                "fs": float(z["fs"]), "ids": list(z["ids"])}
    signals, fs, ids = load_eval_set(set_name, data_dir)
    rows = [LEADS.index(n) for n in inputs]
    recons, truths, fixed, kept = [], [], [], []
    cut = int(round(REFERENCE_S * fs))
    for s, record_id in progress_bar(list(zip(signals, ids)), desc=f"{set_name} {interval_key(inputs, personal)}",
                                     disable=not progress or None):
        try:       # a flat given lead or reference lead is refused: not a case a user could run, skipped
            model, test = (rec.personalize(s[:, :cut], fs), s[:, cut:]) if personal else (rec, s)
            out = model.reconstruct(test[rows] if len(rows) > 1 else test[rows[0]], fs, quality=False, leads=inputs,
                                    coverage=None)
        except ValueError:
            continue
        kept.append(record_id)
        recons.append(out.leads.astype(np.float32))
        truths.append(band_passed_truth(test, fs).astype(np.float32))
        fixed.append(fixed_rows(out.info))
    result = {"recon": np.stack(recons), "truth": np.stack(truths), "fixed": fixed, "fs": float(fs), "ids": kept}
    if cache is not None:
        Path(cache).mkdir(parents=True, exist_ok=True)
        width = max(len(f) for f in fixed)
        np.savez(Path(cache) / f"{name}.npz", recon=result["recon"], truth=result["truth"], fs=fs,
                 ids=np.array(kept), fixed=np.array([list(f) + [f[-1]] * (width - len(f)) for f in fixed]))
    return result


def _pooled(parts: list) -> tuple[list, list, list, float]:
    """(recons, truths, fixed rows, fs) of several :func:`collect` results."""
    recons, truths, fixed = [], [], []
    for d in parts:
        recons += list(d["recon"])
        truths += list(d["truth"])
        fixed += list(d["fixed"])
    return recons, truths, fixed, parts[0]["fs"]


def _parity(data: dict, half: int) -> np.ndarray:
    """Which records of ``data`` have the parity ``half`` (0: even-numbered, 1: odd)."""
    return np.arange(len(data["recon"])) % 2 == half


def _subset(data: dict, keep: np.ndarray) -> dict:
    return {**data, "recon": data["recon"][keep], "truth": data["truth"][keep],
            "fixed": [f for f, k in zip(data["fixed"], keep) if k]}


def calibrate(rec, input_sets, personal: bool = True, data_dir=None, progress: bool = True,
              cache: Path | None = None, ludb_half: int | None = None) -> IntervalCalibration:
    """``rec``'s calibration on the pool :data:`POOL` (PTB-XL fold 9 and LUDB; ``ludb_half``: leave out LUDB's
    records of that parity, to measure them) for every set of given leads in ``input_sets`` (and personalised)."""
    sets, records = {}, {}
    for inputs in input_sets:
        for p in (False, True) if personal else (False,):
            parts = [collect(rec, name, inputs, p, data_dir, progress, cache) for name in POOL]
            if ludb_half is not None:
                parts = [_subset(d, ~_parity(d, ludb_half)) if name == "ludb" else d for name, d in zip(POOL, parts)]
            recons, truths, fixed, fs = _pooled(parts)
            sets[interval_key(inputs, p)] = calibrate_set(recons, truths, fs, fixed)
            records[interval_key(inputs, p)] = len(recons)
    left = "" if ludb_half is None else f" without its {'even' if ludb_half == 0 else 'odd'}-numbered records"
    return IntervalCalibration(rec.name, f"PTB-XL fold 9 and LUDB{left}, split conformal (weights on the even-, "
                               "quantiles on the odd-numbered records)", sets,
                               notes={"personal_reference_s": REFERENCE_S, "pool": list(POOL), "records": records})


def evaluate(rec, calibration: IntervalCalibration, input_sets, personal: bool = True, data_dir=None,
             progress: bool = True, cache: Path | None = None, coverages=REPORTED) -> dict:
    """{test set: {key: :func:`measure`}} on :data:`TEST_SETS`; LUDB, part of the calibration pool, is measured by
    cross-fitting (each half with a calibration that left it out). Without a ``cache`` folder the reconstructions
    are kept in a temporary one for the call (the cross-fitting reads the pool twice more)."""
    if cache is None:
        with tempfile.TemporaryDirectory(prefix="ecgtf-intervals-") as tmp:
            return evaluate(rec, calibration, input_sets, personal, data_dir, progress, Path(tmp), coverages)
    halves = [calibrate(rec, input_sets, personal, data_dir, False, cache, ludb_half=h) for h in (0, 1)]
    results = {}
    for set_name in TEST_SETS:
        results[set_name] = {}
        for inputs in input_sets:
            for p in (False, True) if personal else (False,):
                key = interval_key(inputs, p)
                data = collect(rec, set_name, inputs, p, data_dir, progress, cache)
                if set_name != "ludb":
                    results[set_name][key] = measure(calibration, data, key, coverages)
                    continue
                parts = [measure(halves[h], _subset(data, _parity(data, h)), key, coverages) for h in (0, 1)]
                results[set_name][key] = _mean_measures(parts)
    return results


def _mean_measures(parts: list) -> dict:
    """Two halves' :func:`measure` results as one (means of their numbers: the halves are equally large)."""
    def mean(items):
        if isinstance(items[0], dict):
            return {k: mean([it[k] for it in items]) for k in items[0]}
        if isinstance(items[0], str):
            return items[0]
        return float(np.mean(items)) if not isinstance(items[0], int) else int(np.sum(items))
    return mean(parts)


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    ok = np.isfinite(a) & np.isfinite(b)
    return float(spearmanr(a[ok], b[ok]).statistic) if ok.sum() > 2 else float("nan")


def measure(calibration: IntervalCalibration, data: dict, key: str, coverages=REPORTED) -> dict:
    """Per lead (not fixed): observed coverage, mean width (mV) at each nominal coverage, the width of the constant
    band holding the same share of the set's samples, and Spearman(record mean width, record RMSE)."""
    recon, truth, fs = data["recon"].astype(np.float64), data["truth"].astype(np.float64), data["fs"]
    n = len(recon)
    err = np.abs(truth - recon)
    spreads = np.stack([spread(r, fs, calibration.sets[key]["weights"]) for r in recon])      # (N, 12, n)
    per_lead, pairs_w, pairs_e = {}, [], []
    for k, lead in enumerate(LEADS):
        use = [i for i in range(n) if k not in data["fixed"][i]]
        if not use:
            continue
        e, s = err[use, k], spreads[use, k]
        row = {"records": len(use)}
        for c in coverages:
            q = calibration.quantile(key, c)[k]
            observed = float(np.mean(e <= q * s))
            width = float(np.mean(2 * q * s))
            constant = float(2 * np.quantile(e, observed))                 # a constant band as good on this set
            row[str(c)] = {"observed": observed, "width_mv": width, "constant_width_mv": constant,
                           "width_ratio": width / constant if constant > 0 else float("nan")}
        pairs_w.append(s.mean(-1))                                        # per record: mean width, RMSE
        pairs_e.append(np.sqrt(np.mean(e ** 2, -1)))
        row["spearman_width_rmse"] = _spearman(pairs_w[-1], pairs_e[-1])
        per_lead[lead] = row
    summary = {}
    for c in coverages:
        obs = [row[str(c)]["observed"] for row in per_lead.values()]
        summary[str(c)] = {"worst_gap": float(np.max(np.abs(np.array(obs) - c))), "mean_observed": float(np.mean(obs)),
                           "mean_width_ratio": float(np.mean([row[str(c)]["width_ratio"] for row in per_lead.values()]))}
    summary["spearman_pairs"] = _spearman(np.concatenate(pairs_w), np.concatenate(pairs_e)) if pairs_w else float("nan")
    summary["spearman_within_lead_mean"] = float(np.nanmean([r["spearman_width_rmse"] for r in per_lead.values()]))
    return {"key": key, "records": n, "per_lead": per_lead, "summary": summary}


def format_coverage(results: dict, coverages=REPORTED) -> str:
    """Markdown: one row per (set, given leads): observed coverage at each nominal (mean over leads; the worst lead's
    gap in brackets), mean width relative to a constant band per lead of the same coverage at each nominal, and the
    rank correlation of a record's band width with its error."""
    head = ("| test set | given | " + " | ".join(f"{c:g}: observed (worst gap)" for c in coverages)
            + " | width / constant band at " + " / ".join(f"{c:g}" for c in coverages)
            + " | Spearman(width, RMSE) pairs / within lead |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for set_name, by_key in results.items():
        for key, m in by_key.items():
            s = m["summary"]
            cells = " | ".join(f"{s[str(c)]['mean_observed']:.3f} ({s[str(c)]['worst_gap']:.3f})" for c in coverages)
            ratios = " / ".join(f"{s[str(c)]['mean_width_ratio']:.2f}" for c in coverages)
            lines.append(f"| {set_name} | {key} | {cells} | {ratios} | "
                         f"{s['spearman_pairs']:.2f} / {s['spearman_within_lead_mean']:.2f} |")
    return "\n".join(lines)


def format_per_lead(m: dict, coverages=REPORTED) -> str:
    """Markdown per lead of one :func:`measure`: observed coverage, mean width and constant width (mV)."""
    head = ("| lead | " + " | ".join(f"{c:g}: observed / width / constant (mV)" for c in coverages)
            + " | Spearman(width, RMSE) |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for lead, row in m["per_lead"].items():
        cells = " | ".join(f"{row[str(c)]['observed']:.3f} / {row[str(c)]['width_mv']:.3f} / "
                           f"{row[str(c)]['constant_width_mv']:.3f}" for c in coverages)
        lines.append(f"| {lead} | {cells} | {row['spearman_width_rmse']:.2f} |")
    return "\n".join(lines)


def build_parser():
    p = argparse.ArgumentParser(prog="python -m training.calibrate_intervals",
                                description="Calibrate a reconstructor's per-lead bands on PTB-XL fold 9 + LUDB and "
                                "measure their coverage on PTB-XL fold 10, LUDB (cross-fitted) and CinC 2021.")
    p.add_argument("model", nargs="?", default=None, help="a run directory (or use --preset)")
    p.add_argument("--preset", default=None, help="a shipped preset")
    p.add_argument("--inputs", action="append", default=None,
                   help="a set of given leads, e.g. I,II (repeatable; default I; any-leads models: I, I,II, I,V2, "
                   "I,II,V2)")
    p.add_argument("--no-personal", action="store_true", help="skip the personalised calibration")
    p.add_argument("--write", action="store_true",
                   help="write intervals.json into the run or preset folder (the model then returns bands)")
    p.add_argument("--data-dir", type=Path, default=None, help="data root (default $ECGTF_DATA or ~/.cache/ecgtf/data)")
    p.add_argument("--cache", type=Path, default=None,
                   help="keep the reconstructions here; re-runs read them back (default OUT/reconstructions)")
    p.add_argument("--out", type=Path, default=Path("runs/intervals"), help="folder for results.json and results.md")
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if (args.model is None) == (args.preset is None):
        print("error: give a run directory or --preset NAME (one of them)", file=sys.stderr)
        return 2
    try:
        rec = Reconstructor.from_preset(args.preset) if args.preset else Reconstructor.from_run(args.model)
        folder = preset_dir(args.preset) if args.preset else Path(args.model)
        default = [("I",), ("I", "II"), ("I", "V2"), ("I", "II", "V2")] if rec.pipeline.input_leads == 12 else [("I",)]
        input_sets = [lead_names(x) for x in args.inputs] if args.inputs else default
        personal = not args.no_personal
        cache = args.cache or args.out / "reconstructions"
        calibration = calibrate(rec, input_sets, personal, args.data_dir, True, cache)
        results = evaluate(rec, calibration, input_sets, personal, args.data_dir, True, cache,
                           sorted(set(REPORTED) | set(RELIABILITY)))
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    atomic_write_json(args.out / "results.json", results)
    text = [f"**{rec.name}**: nominal vs observed coverage (mean over leads; worst lead's gap in brackets)\n",
            format_coverage(results)]
    for set_name, by_key in results.items():
        for key, m in by_key.items():
            text += [f"\n**{set_name}, given {key}** ({m['records']} records)\n", format_per_lead(m)]
    atomic_write_text(args.out / "results.md", "\n".join(text) + "\n")
    first = [interval_key(input_sets[0], p) for p in ((False, True) if personal else (False,))]
    observed = {f"{set_name} {key}": [by_key[key]["summary"][str(c)]["mean_observed"] for c in RELIABILITY]
                for set_name, by_key in results.items() for key in first}
    plot_coverage(RELIABILITY, observed, args.out / "coverage.png",
                  f"{rec.name}: bands on held-out records (LUDB cross-fitted)")
    print("\n".join(text[:2]))
    if args.write:
        calibration.model = rec.name
        calibration.save(folder / "intervals.json")
        print(f"wrote {folder / 'intervals.json'}")
    print(f"wrote {args.out}/results.json, results.md and coverage.png")
    return 0
