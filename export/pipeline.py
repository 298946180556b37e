"""The main job on the shipped preset: reconstruct the bundled Lead I recording → 12-lead plot in mV →
export + validate the phone's TFLite file → benchmark → a Markdown report.

    python -m export.pipeline                                # the preset (a couple of minutes)
    python -m export.pipeline --preset unet1d_12lead --out runs/demo
    python -m export.pipeline --from-scratch                 # train a small model on synthetic data first (the
                                                             # registry's quickstart recipe: ≈ 10 min on a 2-core
                                                             # CPU; resumable), then the same job on it

Options the pipeline does not know are passed to the trainer with ``--from-scratch`` (e.g. ``--width 0.25``).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from importlib import import_module
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from ecgtf import registry
from ecgtf.arguments import positive_float, positive_int
from ecgtf.io import read_lead
from ecgtf.presets import preset_dir
from ecgtf.reconstructor import Reconstructor
from ecgtf.runs import atomic_write_text
from export import benchmark
from export.benchmark import format_table
from export.engine import export_run, format_records

EXAMPLE = Path(__file__).resolve().parents[1] / "ecgtf" / "data" / "examples" / "lead_i_500hz.csv"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m export.pipeline", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=Path("runs/demo"), help="pipeline folder (default runs/demo)")
    p.add_argument("--preset", default="unet1d_12lead", help="preset to run (default unet1d_12lead)")
    p.add_argument("--input", type=Path, default=None,
                   help="Lead I CSV to reconstruct (default: the bundled example, 20 s at 500 Hz)")
    p.add_argument("--input-fs", type=positive_float, default=500.0, help="sampling rate of --input (default 500)")
    p.add_argument("--from-scratch", action="store_true",
                   help="instead: train a small model on the embedded synthetic data (the registry's quickstart "
                        "recipe), then the same job on it")
    p.add_argument("--model", default=None, help="with --from-scratch: which model (default: the one with a "
                   "quickstart recipe)")
    p.add_argument("--data", default="synthetic", help="training data (default: the embedded synthetic generator)")
    p.add_argument("--epochs", type=positive_int, default=None, help="training epochs (default: the recipe's)")
    p.add_argument("--n-synthetic", type=positive_int, default=None, help="synthetic training records (default: the recipe's)")
    p.add_argument("--batch-size", type=positive_int, default=None, help="batch size (default: the recipe's)")
    p.add_argument("--formats", default=None,
                   help="export formats (default: float32,dynamic for the preset — its full-int8 file fails "
                        "validation, see the docs —; float32,int8 with --from-scratch)")
    p.add_argument("--budget", type=positive_float, default=0.10, help="validation budget vs Keras (default: per format)")
    p.add_argument("--bench-runs", type=positive_int, default=50)
    p.add_argument("--seed", type=int, default=None)
    return p


def _step(name: str):
    print(f"\n=== {name} ===", flush=True)
    return time.perf_counter()


def main(argv=None) -> int:
    args, trainer_args = build_parser().parse_known_args(argv)
    if not args.from_scratch:
        if trainer_args:
            build_parser().parse_args(argv)   # reports the unknown arguments and exits
        args.formats = args.formats or "float32,dynamic"
        try:
            rec = Reconstructor.from_preset(args.preset)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return run_job(args, rec, preset_dir(args.preset), "best", {})
    args.formats = args.formats or "float32,int8"
    return from_scratch(args, trainer_args)


def run_job(args, rec, run_dir: Path, weights: str, timings: dict) -> int:
    """Reconstruct the example with ``rec``, export ``args.formats`` of ``run_dir`` (validated), run the phone's
    file on the same recording, benchmark, report."""
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    t = _step(f"1/4 reconstruct 12 leads from Lead I with {rec.name}")
    example = args.input or EXAMPLE
    lead_i, fs = read_lead(example, args.input_fs)
    keras_out = rec.reconstruct(lead_i, fs)
    plt.close(keras_out.plot(out / "reconstruction_12lead.png",
                             title=f"{example.name}: 12 leads from Lead I ({rec.name}, Keras, {keras_out.units})"))
    keras_out.to_csv(out / "reconstruction.csv")
    timings["reconstruct (Keras)"] = time.perf_counter() - t
    formats = args.formats.split(",")
    phone = formats[-1]
    t = _step(f"2/4 export {args.formats} and validate in LiteRT")
    export_dir = out / "export"
    records = export_run(run_dir, formats, export_dir, weights=weights,
                         budget=args.budget if args.budget != 0.10 else None)
    print(format_records(records))
    if not all(r["passed"] for r in records):
        print("error: a format failed validation (see above); nothing was written for it", file=sys.stderr)
        return 1
    timings["export + validation"] = time.perf_counter() - t
    t = _step(f"3/4 {phone} TFLite reconstruction of the same recording, and benchmark")
    files = {r["format"]: export_dir / r["file"] for r in records}
    lite_out = Reconstructor.from_tflite(files[phone]).reconstruct(lead_i, fs)
    diff = float(np.sqrt(np.mean((lite_out.leads - keras_out.leads) ** 2)) / np.std(keras_out.leads))
    plt.close(lite_out.plot(out / "tflite_reconstruction_12lead.png",
                            title=f"{example.name}: 12 leads from Lead I ({rec.name}, {phone} TFLite, "
                                  f"{lite_out.units})"))
    rc = benchmark.main([*map(str, files.values()), "--runs", str(args.bench_runs), "--threads", "1,2"])
    if rc:
        return rc
    timings["TFLite check + benchmark"] = time.perf_counter() - t
    _step("4/4 report")
    bench = json.loads((export_dir / "benchmark.json").read_text())
    speed = rec.benchmark(lead_i, fs, repeats=3)
    report = write_report(out, rec, example, records, bench, timings, diff, speed, phone)
    print(f"\nreport: {report}")
    return 0


def write_report(out: Path, rec, example: Path, records, bench, timings, diff, speed, phone) -> Path:
    """``report.md``: timings, the phone file's validation, the benchmark table and both reconstructions."""
    int8 = next(r for r in records if r["format"] == phone)
    v = int8["validation"]
    what = f"preset `{rec.name}`" if rec.source.startswith("preset") else f"`{rec.name}` trained from scratch"
    trained = rec.run.metrics().get("test", {}).get("overall", {}) if rec.run is not None else {}
    lines = [f"# ecgtf main job: {what}", "",
             f"Lead I from `{example.name}` → 12 leads ({rec.units}) with {what}, exported to {phone} TFLite, "
             "validated in LiteRT and benchmarked on this machine.", "",
             *(["Keras model on its test split: " + ", ".join(f"{k} {val:.4g}" for k, val in trained.items()
                                                              if isinstance(val, (int, float))), ""] if trained else []),
             "## Timings", "", "| step | seconds |", "|---|---:|", *[f"| {k} | {t:.1f} |" for k, t in timings.items()],
             "", f"Keras reconstruction speed: {speed['seconds_per_call']:.3f} s for {speed['recording_seconds']:.0f} s "
             f"of recording ({speed['real_time_factor']:.0f}× real time, {speed['windows']} windows).", "",
             f"## {phone} validation", "",
             f"`{int8['file']}`: {int8['size_bytes'] / 1e6:.2f} MB; RMS error vs Keras {100 * v['rel_rms_vs_keras']:.2f} % "
             f"of the output's std on {v['n_windows']} windows ({v['windows']}); RMSE vs truth "
             f"{v.get('rmse_vs_truth', float('nan')):.4f} (Keras {v.get('keras_rmse_vs_truth', float('nan')):.4f}) in the "
             f"model's output units. "
             f"On the example recording the {phone} reconstruction differs from Keras by {100 * diff:.2f} % of its std.",
             "", "## Benchmark (batch 1, LiteRT XNNPACK; timings drift ±40 % on shared machines)", "",
             "```", format_table(bench["rows"]), "```", "",
             f"## Reconstruction (Keras, then {phone} TFLite)", "", "![Keras](reconstruction_12lead.png)", "",
             f"![{phone}](tflite_reconstruction_12lead.png)", ""]
    report = out / "report.md"
    atomic_write_text(report, "\n".join(lines))
    return report


def quickstart_spec(name: str | None):
    """The model ``--from-scratch`` trains: ``--model NAME``, else the registered model with a quickstart recipe."""
    if name:
        spec = registry.get(name, source="--model")
        if not spec.quickstart:
            raise ValueError(f"--model {name}: no quickstart recipe (ModelSpec.quickstart); models with one: "
                             f"{[s.name for s in registry.specs() if s.quickstart]}")
        return spec
    specs = [s for s in registry.specs() if s.quickstart]
    if not specs:
        raise ValueError("no registered model has a quickstart recipe (ModelSpec.quickstart)")
    return specs[0]


def from_scratch(args, trainer_args: list[str]) -> int:
    """Train a small model on the embedded synthetic data (its ``ModelSpec.quickstart`` recipe, resumable), then
    the same job as for a preset: reconstruct the example, export + validate, benchmark, report."""
    try:
        spec = quickstart_spec(args.model)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if "int8" not in args.formats.split(","):
        print("error: --formats must include int8 (the report is about the int8 model)", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    run = args.out / "run"
    t = _step(f"0/4 train {spec.name} from scratch ({args.data} data)")
    if not (run / "metrics.json").exists():
        overrides = [f"--{k.replace('_', '-')}={v}" for k, v in (("epochs", args.epochs), ("batch_size", args.batch_size),
                                                                 ("n_synthetic", args.n_synthetic), ("seed", args.seed))
                     if v is not None]
        targs = [*spec.quickstart, *overrides, *trainer_args, "--out", str(run), "--verbose", "2"]
        if args.data != "synthetic":
            targs += ["--data", args.data]
        if (run / "config.json").exists():
            targs.append("--resume")
        rc = import_module(spec.trainer).main(targs)
        if rc:
            return rc
    seconds = time.perf_counter() - t
    return run_job(args, Reconstructor.from_run(run), run, "final", {"train": seconds})


if __name__ == "__main__":
    sys.exit(main())
