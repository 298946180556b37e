"""The main job: train a small EKGAN on the embedded synthetic data → export int8 → validate →
benchmark → a Markdown report with the table and a 12-lead plot of an int8 reconstruction.

    python -m export.pipeline                       # ≈ 10 min on a 2-core CPU
    python -m export.pipeline --out runs/demo --epochs 40 --width 0.25

Resumable: rerun the same command to continue after a crash (training resumes from its last
epoch; finished steps are skipped).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path



def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m export.pipeline", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=Path("runs/demo"), help="pipeline folder (default runs/demo)")
    p.add_argument("--data", default="synthetic", help="training data (default: the embedded synthetic generator)")
    p.add_argument("--epochs", type=int, default=40)
    p.add_argument("--width", type=float, default=0.25, help="EKGAN width multiplier (default 0.25: small on-device model)")
    p.add_argument("--n-synthetic", type=int, default=1200)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--normalization", choices=["per_lead", "fixed"], default="fixed",
                   help="fixed (default here: the phone gets millivolts back) or per_lead (paper)")
    p.add_argument("--formats", default="float32,int8", help="export formats (default float32,int8)")
    p.add_argument("--budget", type=float, default=0.10, help="int8 validation budget vs Keras (default 0.10)")
    p.add_argument("--bench-runs", type=int, default=50)
    p.add_argument("--seed", type=int, default=0)
    return p


def _step(name: str):
    print(f"\n=== {name} ===", flush=True)
    return time.perf_counter()


def write_report(out: Path, run: Path, export_dir: Path, bench: dict, timings: dict) -> Path:
    """report.md with the benchmark table, the validation numbers and a 12-lead int8 reconstruction plot."""
    from ecgtf.models.ekgan.preprocessing import leads_from_model, to_millivolts
    from ecgtf.models.ekgan.trainer import load_split_data
    from ecgtf.plots import plot_12lead, plot_overlay
    from ecgtf.runs import Run
    from export.benchmark import format_table
    from export.engine import run_tflite

    r = Run(run)
    pre = r.preprocessing
    x, y, sc, off, ids = load_split_data(r, progress=False)["test"]
    int8 = export_dir / "ekgan_int8.tflite"
    pred = run_tflite(int8, leads_from_model(x[:1], pre)[:, 0], "lead_i", "leads")
    pred_mv = to_millivolts(pred, sc[:1], off[:1])[0]
    true_mv = to_millivolts(leads_from_model(y[:1], pre), sc[:1], off[:1])[0]
    plot_12lead(pred_mv, pre.fs_out, out / "int8_reconstruction_12lead.png",
                title=f"int8 EKGAN reconstruction from Lead I, test record {ids[0]}")
    plot_overlay(true_mv, pred_mv, pre.fs_out, out / "int8_overlay.png", labels=("truth", "int8 TFLite"),
                 title=f"test record {ids[0]}: truth vs int8 reconstruction (mV)")
    metrics = json.loads((run / "metrics.json").read_text())["test"]["overall"]
    meta = json.loads((export_dir / "ekgan_int8.json").read_text())
    v = meta["validation"]
    lines = [
        "# ecgtf pipeline report", "",
        f"EKGAN width {r.architecture.width} trained {r.training.epochs} epochs on "
        f"`{r.data.source}` data ({pre.normalization} normalisation), "
        f"exported to int8 TFLite and benchmarked on this machine.", "",
        "## Timings", "", "| step | seconds |", "|---|---:|",
        *[f"| {k} | {t:.0f} |" for k, t in timings.items()], "",
        "## Keras model on the test split", "",
        f"RMSE {metrics['rmse_mv']:.4f} mV, MAE {metrics['mae_mv']:.4f} mV, PRD {metrics['prd_pct']:.1f} %, "
        f"heart-rate MAE {metrics.get('hr_mae_bpm', float('nan')):.2f} bpm, limb-lead-law RMS "
        f"{metrics['limb_law_rms_mv']:.4f} mV.", "",
        "## int8 validation", "",
        f"`{meta['file']}`: {meta['size_bytes'] / 1e6:.3f} MB, SHA-256 `{meta['sha256'][:16]}…`; "
        f"RMS error vs Keras = {100 * v['rel_rms_vs_keras']:.2f} % of the output's std "
        f"(budget {100 * v['budget_rel_rms']:.0f} %), max |error| {v['max_abs_vs_keras']:.4f}; "
        f"RMSE vs ground truth {v['rmse_vs_truth']:.4f} (Keras: {v['keras_rmse_vs_truth']:.4f}), "
        f"normalised units, {v['n_windows']} test windows.", "",
        "## Benchmark (batch 1, LiteRT XNNPACK, this CPU; timings drift ±40 % on shared machines)", "",
        "```", format_table(bench["rows"]), "```", "",
        "## int8 reconstruction (12-lead layout, from Lead I only)", "",
        "![12-lead](int8_reconstruction_12lead.png)", "", "![overlay](int8_overlay.png)", "",
    ]
    report = out / "report.md"
    report.write_text("\n".join(lines))
    return report


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    from ecgtf.models.ekgan import trainer as train_ekgan
    from export import benchmark
    from export import engine as export_main

    if "int8" not in args.formats.split(","):
        print("error: --formats must include int8 (the report is about the int8 model)", file=sys.stderr)
        return 2
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    run = out / "run"
    timings = {}
    t = _step(f"1/4 train EKGAN (width {args.width}, {args.epochs} epochs, {args.data})")
    if not (run / "metrics.json").exists():
        targs = ["--data", args.data, "--epochs", str(args.epochs), "--width", str(args.width),
                 "--n-synthetic", str(args.n_synthetic), "--batch-size", str(args.batch_size),
                 "--normalization", args.normalization, "--seed", str(args.seed), "--out", str(run), "--verbose", "2"]
        if (run / "config.json").exists():
            targs.append("--resume")
        rc = train_ekgan.main(targs)
        if rc:
            return rc
    timings["train"] = time.perf_counter() - t
    export_dir = out / "export"
    t = _step(f"2/4 export {args.formats} and validate in LiteRT")
    rc = export_main.main([str(run), "--formats", args.formats, "--out", str(export_dir), "--budget", str(args.budget)])
    if rc:
        return rc
    timings["export + validation"] = time.perf_counter() - t
    t = _step("3/4 benchmark")
    files = [str(export_dir / f"ekgan_{f}.tflite") for f in args.formats.split(",")]
    rc = benchmark.main([*files, "--runs", str(args.bench_runs)])
    if rc:
        return rc
    timings["benchmark"] = time.perf_counter() - t
    _step("4/4 report")
    bench = json.loads((export_dir / "benchmark.json").read_text())
    report = write_report(out, run, export_dir, bench, timings)
    print(f"\nreport: {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
