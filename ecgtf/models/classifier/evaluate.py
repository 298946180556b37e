"""Does a reconstructed 12-lead ECG keep the diagnosis? The EKGAN paper's Table 4 on public data.

    python -m training.evaluate_diagnostic --classifier runs/classifier-12lead \\
        --lead-i-classifier runs/classifier-lead-i --preset unet1d_12lead \\
        runs/ekgan-ptbxl runs/pix2pix-ptbxl runs/cyclegan-ptbxl runs/cardiogan-ptbxl --ridge --out runs/diagnostic
    (``ecgtf evaluate --diagnostic …`` is the same command)

The held-out records of the classifier run (its ``test`` split: PTB-XL folds 9–10 and all of LUDB, in
mV, none of them trained on by any reconstructor or by the classifier) are classified

- from the **original** 12 leads (the ceiling),
- from each reconstructor's 12 leads, reconstructed from the record's Lead I (full 10 s, 500 Hz),
- from **ridge regression**'s 12 leads (33 taps of Lead I, fitted on the reconstructors' mV training
  windows; :class:`ecgtf.kits.ridge.RidgeBaseline`),
- from **Lead I alone** by a classifier trained on Lead I only (``--lead-i-classifier``): the floor a
  single-lead device already has,

with the same 12-lead classifier and the thresholds it fitted on its validation split (F1-optimal on
original records). Per class (records whose label states the class): F1 and AUROC with 95 % bootstrap
intervals over records, and the paired bootstrap difference to the original (ΔAUROC: same records
resampled for both). Because the classifier z-scores every lead, reconstructions are judged on their
shapes, not their amplitudes (per-lead-normalised models such as EKGAN need no oracle here).

The same records also give a reconstruction table (band-pass 0.5–40 Hz at 100 Hz, 11 reconstructed
leads): Pearson r; RMSE, MAE, PRD and MMD² after each predicted lead is rescaled to the true lead's
std (the paper's oracle amplitude, so every model is comparable; MMD² per record and lead between the
distributions of sample values, every 4th sample, then averaged); heart-rate MAE (XQRS, lead II). A
paper-style figure shows one record per class, original vs the chosen models, in the 12-lead layout.

One file, over 300 lines on purpose: the protocol (records, classifiers, reconstructions, paired bootstrap, table, figure) is one cohesive thing.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from ecgtf.arguments import positive_int

FIGURE_CLASSES = ("NORM", "CLBBB", "CRBBB", "AFIB")
ORIGINAL = "original 12 leads"
LEAD_I_ALONE = "Lead I alone (Lead-I classifier)"
RIDGE = "ridge (mV, 33 taps)"


def test_records(run, max_records: int | None = None) -> list[dict]:
    """The classifier run's held-out records (mV, with a Lead I), as :func:`.data.load_records` dicts."""
    from .data import load_records, split_records

    records = load_records(run.data)
    idx = split_records(records, run.data)["test"]
    out = [records[i] for i in idx if records[i]["units"] == "mV"]
    return out[:max_records] if max_records else out


def _lead_i(rec: dict) -> np.ndarray:
    from ecgtf.leads import LEADS, normalize_lead_name

    names = [normalize_lead_name(n) for n in (rec["lead_names"] or LEADS)]
    return np.asarray(rec["signal"][names.index("I")], np.float64)


def classify(run, signals: list[np.ndarray], fs_list: list[float]) -> np.ndarray:
    """Probabilities ``(N, C)`` of the classifier ``run`` (best weights) on 12-lead (or Lead I) records."""
    from .data import preprocess
    from .inference import load_generator_for_run
    from .trainer import predict_proba

    network = load_generator_for_run(run, "best")
    x = np.stack([preprocess(np.atleast_2d(s), fs, run.preprocessing, ("I",) if np.ndim(s) == 1 else None)
                  for s, fs in zip(signals, fs_list)])   # a 1-D signal is Lead I
    return predict_proba(network, x)


def paired_delta(stat, y, p_a, p_b, n: int = 1000, seed: int = 0):
    """Mean and 95 % interval of ``stat(y, p_a) − stat(y, p_b)`` over paired bootstrap resamples of records."""
    rng = np.random.default_rng(seed)
    vals = []
    for _ in range(n):
        i = rng.integers(0, len(y), len(y))
        v = stat(y[i], p_a[i]) - stat(y[i], p_b[i])
        if np.isfinite(v):
            vals.append(v)
    if len(vals) < n // 2:
        return float("nan"), (float("nan"), float("nan"))
    return float(stat(y, p_a) - stat(y, p_b)), (float(np.percentile(vals, 2.5)), float(np.percentile(vals, 97.5)))


def reconstruction_scores(true: np.ndarray, pred: np.ndarray, fs: float, pred_fs: float | None = None) -> dict:
    """r, oracle RMSE/MAE/PRD/MMD² and heart rate of predictions vs truth, both ``(N, 12, n)`` (see module doc)."""
    from ecgtf import metrics as M
    from ecgtf.leads import LEADS
    from ecgtf.preprocessing.signal import resample
    from ecgtf.scores import RECONSTRUCTED, score, to_eval_space

    pred_fs = pred_fs or fs
    true_eval = np.stack([to_eval_space(s, fs) for s in true])
    pred_eval = np.stack([to_eval_space(p, pred_fs) for p in pred]) if pred_fs != 100.0 else pred
    pred_raw = pred if pred_fs == fs else np.stack([resample(p, pred_fs, fs) for p in pred])
    base = score(true_eval, pred_eval, true, pred_raw, fs)["summary"]
    ks = [LEADS.index(n) for n in RECONSTRUCTED]
    t = true_eval[:, ks] - true_eval[:, ks].mean(-1, keepdims=True)
    p = pred_eval[:, ks] - pred_eval[:, ks].mean(-1, keepdims=True)
    sp, st = p.std(-1, keepdims=True), t.std(-1, keepdims=True)
    p = np.where(sp > 0, p * st / np.maximum(sp, 1e-12), 0.0)
    err = p - t
    out = {"r": base["r_11"], "r_ci": base["r_11_ci"], "rmse_oracle_mv": float(np.sqrt((err ** 2).mean(-1)).mean()),
           "mae_oracle_mv": float(np.abs(err).mean()),
           "prd_oracle_pct": float(np.mean(100 * np.sqrt((err ** 2).sum(-1) / np.maximum((t ** 2).sum(-1), 1e-12)))),
           "mmd_oracle": float(np.mean([M.mmd(a[::4, None], b[::4, None]) for a, b in
                                        zip(t.reshape(-1, t.shape[-1]), p.reshape(-1, p.shape[-1]))])),
           "rmse_mv": base["rmse_mv_11"], "hr_mae_bpm": base["hr_mae_bpm"], "hr_fail_pct": base["hr_fail_pct"]}
    return out


def evaluate(classifier_run, reconstructors: dict, lead_i_run=None, ridge: bool = False, data_dir=None,
             max_records: int | None = None, progress: bool = True) -> dict:
    """Everything of the module docstring. ``reconstructors``: name → :class:`ecgtf.Reconstructor`.

    Returns ``{"classes", "n_records", "sources", "classification": {input: {class: scores}},
    "delta_auroc": {input: {class: (Δ, (lo, hi))}}, "reconstruction": {input: scores}, "examples": ...}``."""
    from ecgtf.progress import progress_bar

    from .data import CLASSES
    from .scoring import auroc, score_classes
    from .trainer import load_thresholds

    records = test_records(classifier_run, max_records)
    if len(records) < 2:
        raise ValueError(f"{classifier_run.path}: its test split has {len(records)} millivolt records; need at least 2")
    y = np.stack([r["y"] for r in records])
    known = np.stack([r["known"] for r in records])
    fs = np.array([r["fs"] for r in records])
    if np.ptp(fs):
        raise ValueError(f"test records come at several rates {sorted(set(fs))}; expected one")
    fs0 = float(fs[0])
    n_min = min(r["signal"].shape[1] for r in records)
    originals = np.stack([np.asarray(r["signal"][:, :n_min], np.float64) for r in records])
    thresholds = load_thresholds(classifier_run)
    inputs = {ORIGINAL: (list(originals), [fs0] * len(records))}
    recon = {}
    for name, rec in reconstructors.items():
        preds = np.stack([rec.reconstruct(o[0], fs0, quality=False).leads for o in
                          progress_bar(originals, desc=f"reconstructing: {name}", disable=not progress or None)])
        inputs[name] = (list(preds), [fs0] * len(records))
        recon[name] = {**reconstruction_scores(originals, preds, fs0), "units": rec.units}
    if ridge:
        from ecgtf.kits.ridge import RidgeBaseline, baseline_training_data
        from ecgtf.scores import to_eval_space

        train = baseline_training_data(data_dir)
        model = RidgeBaseline(np.concatenate([train[:, :, :512], train[:, :, 488:]]))
        preds = np.stack([model.predict_eval(to_eval_space(o, fs0)[0]) for o in originals])
        inputs[RIDGE] = (list(preds), [100.0] * len(records))
        recon[RIDGE] = {**reconstruction_scores(originals, preds, fs0, pred_fs=100.0), "units": "mV"}
    probs = {name: classify(classifier_run, sig, f) for name, (sig, f) in inputs.items()}
    classification = {name: score_classes(y, known, p, thresholds, CLASSES) for name, p in probs.items()}
    if lead_i_run is not None:
        lp = classify(lead_i_run, [_lead_i(r)[:n_min] for r in records], [fs0] * len(records))
        probs[LEAD_I_ALONE] = lp
        classification[LEAD_I_ALONE] = score_classes(y, known, lp, load_thresholds(lead_i_run), CLASSES)
    delta = {}
    for name, p in probs.items():
        if name == ORIGINAL:
            continue
        delta[name] = {}
        for k, c in enumerate(CLASSES):
            m = known[:, k] > 0
            delta[name][c] = paired_delta(auroc, y[m, k], p[m, k], probs[ORIGINAL][m, k])
    examples = {}
    for c in FIGURE_CLASSES:
        k = CLASSES.index(c)
        hits = [i for i in range(len(records)) if y[i, k] and known[i, k]]
        if hits:  # the positive record the original-input classifier is surest about
            examples[c] = max(hits, key=lambda i: probs[ORIGINAL][i, k])
    return {"classes": list(CLASSES), "n_records": len(records), "fs": fs0,
            "sources": {s: int(sum(r["source"] == s for r in records)) for s in sorted({r["source"] for r in records})},
            "classification": classification, "delta_auroc": delta, "reconstruction": recon,
            "examples": {c: records[i]["id"] for c, i in examples.items()},
            "_figure": {"index": examples, "inputs": inputs}}


def _ci(v, ci, d=2):
    if not np.isfinite(v):
        return "–"
    lo, hi = ci
    return f"{v:.{d}f} [{lo:.{d}f}, {hi:.{d}f}]" if np.isfinite(lo) else f"{v:.{d}f}"


def format_markdown(res: dict) -> str:
    """The README tables: positives per class; F1; AUROC; ΔAUROC vs original; reconstruction quality."""
    classes = res["classes"]
    first = next(iter(res["classification"].values()))
    out = [f"{res['n_records']} held-out records ({', '.join(f'{s} {n}' for s, n in res['sources'].items())}); "
           "positives / records stating the class: " + ", ".join(f"{c} {first[c]['positives']}/{first[c]['n']}"
                                                                  for c in classes), ""]
    for metric, title in (("f1", "F1 (thresholds fitted on the classifier's validation split)"),
                          ("auroc", "AUROC")):
        out += [f"**{title}**", "", "| input | " + " | ".join(classes) + " |", "|---|" + "---:|" * len(classes)]
        for name, sc in res["classification"].items():
            out.append(f"| {name} | " + " | ".join(_ci(sc[c][metric], sc[c][f"{metric}_ci"]) for c in classes) + " |")
        out.append("")
    out += ["**ΔAUROC vs the original 12 leads** (paired bootstrap over the same records; an interval below 0 = "
            "the diagnosis is lost)", "", "| input | " + " | ".join(classes) + " |", "|---|" + "---:|" * len(classes)]
    for name, d in res["delta_auroc"].items():
        out.append(f"| {name} | " + " | ".join(_ci(d[c][0], d[c][1]) for c in classes) + " |")
    out.append("")
    if res["reconstruction"]:
        out += ["**Reconstruction on the same records** (11 leads, 0.5–40 Hz at 100 Hz; RMSE/MAE/PRD/MMD² with each "
                "lead rescaled to the true std — the paper's oracle amplitude)", "",
                "| model | r | RMSE mV | MAE mV | PRD % | MMD² | HR MAE bpm | no beats % | RMSE mV (own amplitude) |",
                "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for name, s in res["reconstruction"].items():
            own = f"{s['rmse_mv']:.3f}" if s.get("units") == "mV" else f"– ({s.get('units')})"
            out.append(f"| {name} | {_ci(s['r'], s['r_ci'], 3)} | {s['rmse_oracle_mv']:.3f} | {s['mae_oracle_mv']:.3f} | "
                       f"{s['prd_oracle_pct']:.1f} | {s['mmd_oracle']:.4f} | {s['hr_mae_bpm']:.2f} | "
                       f"{s['hr_fail_pct']:.1f} | {own} |")
        out.append("")
    return "\n".join(out)


def plot_examples(res: dict, path, models=None) -> Path | None:
    """One record per class (:data:`FIGURE_CLASSES`), original vs ``models`` (default: all), 12-lead layout.
    Non-millivolt reconstructions are shown with each lead rescaled to the true lead's std."""
    from ecgtf.plots import plot_12lead_comparison
    from ecgtf.preprocessing.signal import bandpass_resample

    fig = res.get("_figure")
    if not fig or not fig["index"]:
        return None
    names = [m for m in fig["inputs"] if m != ORIGINAL]
    if models:   # each requested name selects the inputs it starts (so "ridge" or "preset" are enough)
        names = [m for m in names if any(m.startswith(q.strip()) for q in models if q.strip())]
    models = names
    blocks, titles = [], []
    for c, i in fig["index"].items():
        orig = bandpass_resample(fig["inputs"][ORIGINAL][0][i], fig["inputs"][ORIGINAL][1][i], (0.5, 40.0), 100.0)
        block = {"original": orig}
        for m in models:
            p = bandpass_resample(np.asarray(fig["inputs"][m][0][i], np.float64), fig["inputs"][m][1][i], (0.5, 40.0),
                                  100.0)[:, :orig.shape[1]]
            if res["reconstruction"].get(m, {}).get("units", "mV") != "mV":
                sp, st = p.std(-1, keepdims=True), orig.std(-1, keepdims=True)
                p = (p - p.mean(-1, keepdims=True)) * np.where(sp > 0, st / np.maximum(sp, 1e-12), 0)
            block[m] = p
        blocks.append(block)
        titles.append(f"{c}: {res['examples'][c]}")
    plot_12lead_comparison(blocks, 100.0, path, titles)
    return Path(path)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m training.evaluate_diagnostic", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("reconstructors", nargs="*",
                   help="reconstructor run directories (RUN@final / RUN@best picks the weights of one run) and/or "
                        ".tflite files")
    p.add_argument("--classifier", required=True, type=Path, help="the 12-lead classifier run (ecgtf train classifier)")
    p.add_argument("--lead-i-classifier", type=Path, default=None,
                   help="a classifier run trained on Lead I only (ecgtf train classifier --leads I): the floor row")
    p.add_argument("--preset", action="append", default=[], help="a shipped reconstructor preset (repeatable)")
    p.add_argument("--ridge", action="store_true", help="add ridge regression's reconstruction")
    p.add_argument("--figure-models", default=None,
                   help="comma-separated inputs shown in the figure, each matching the names it starts "
                        "(e.g. 'preset,ekgan,pix2pix,ridge'; default: every reconstructor and ridge)")
    p.add_argument("--weights", choices=["best", "final"], default="best", help="reconstructor run weights")
    p.add_argument("--max-records", type=positive_int, default=None, help="only the first N test records (quick checks)")
    p.add_argument("--data-dir", type=Path, default=None, help="data root (default $ECGTF_DATA or ~/.cache/ecgtf/data)")
    p.add_argument("--out", type=Path, default=Path("runs/diagnostic"), help="folder for results.json, table.md, examples.png")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--diagnostic", action="store_true", help=argparse.SUPPRESS)   # `ecgtf evaluate --diagnostic`
    return p


def main(argv=None, api=None) -> int:
    from ecgtf.lazy import require_api
    from ecgtf.runs import Run, atomic_write_json, atomic_write_text

    args = build_parser().parse_args(argv)
    try:
        Reconstructor = require_api(api, "ecgtf evaluate --diagnostic").Reconstructor
        clf = Run(args.classifier)
        lead_i = Run(args.lead_i_classifier) if args.lead_i_classifier else None
        for r, flag in ((clf, "--classifier"), (lead_i, "--lead-i-classifier")):
            if r is not None and r.model != "classifier":
                raise ValueError(f"{flag} {r.path}: a {r.model} run, expected a classifier run")
        if len(clf.preprocessing.leads) != 12:
            raise ValueError(f"--classifier {clf.path}: trained on leads {list(clf.preprocessing.leads)}, expected all 12")
        if lead_i is not None and tuple(lead_i.preprocessing.leads) != ("I",):
            raise ValueError(f"--lead-i-classifier {lead_i.path}: trained on {list(lead_i.preprocessing.leads)}, "
                             "expected Lead I only (--leads I)")
        if clf.data.data_dir is None and args.data_dir is not None:
            import dataclasses

            clf.data = dataclasses.replace(clf.data, data_dir=str(args.data_dir))
        recs = {}
        for name in args.preset:
            recs[f"preset {name}"] = Reconstructor.from_preset(name)
        for m in args.reconstructors:
            m, _, weights = m.partition("@")
            p = Path(m)
            if weights not in ("", "best", "final"):
                raise ValueError(f"{m}@{weights}: expected RUN, RUN@best or RUN@final")
            recs[p.stem if p.suffix == ".tflite" else p.name] = (Reconstructor.from_tflite(p) if p.suffix == ".tflite"
                                                                 else Reconstructor.from_run(p, weights or args.weights))
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    res = evaluate(clf, recs, lead_i, args.ridge, args.data_dir, args.max_records, progress=not args.quiet)
    args.out.mkdir(parents=True, exist_ok=True)
    table = format_markdown(res)
    models = args.figure_models.split(",") if args.figure_models else None
    fig = plot_examples(res, args.out / "examples.png", models)
    atomic_write_json(args.out / "results.json", {k: v for k, v in res.items() if k != "_figure"})
    atomic_write_text(args.out / "table.md", table)
    print(table)
    print(f"wrote {args.out}/results.json, table.md" + (f", {fig.name}" if fig else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
