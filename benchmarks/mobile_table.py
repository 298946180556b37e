"""The phone table: every shipped reconstructor in every format, on the task and against the machine's limit.

    ECGTF_DATA=../shared/data python benchmarks/mobile_table.py                 # all unet1d presets
    python benchmarks/mobile_table.py --presets unet1d_lite --sets ptb-xl-test --quick

For each preset and format (Keras float32, TFLite float32, float16, dynamic, int8), measured side
by side in one run on this machine:

- **task metrics** of the reconstructor evaluation (``ecgtf.reconstruction_eval``: mean Pearson r over
  the 11 reconstructed leads and over II+V1–V6, RMSE in mV, heart-rate MAE, % of reconstructed
  leads with detectable beats) on PTB-XL fold 10 and LUDB, and the RMS error vs Keras relative to
  the std of Keras' output on the export's held-out windows;
- **latency** p50/p90 at 1 and 2 threads (LiteRT XNNPACK, batch 1, one 5.12 s window), peak memory
  of a fresh process, size;
- **the limit**: the model's multiply-adds and this machine's measured float32 and int8 matrix-multiply
  throughput (:mod:`export.microbench`), so ``limit ms`` = MACs / throughput (int8 for int8 and
  dynamic-range files, whose matrix multiplies XNNPACK runs in int8; float32 otherwise) and
  ``% of limit`` = limit / p50 at one thread;
- **streaming**: real-time factor (signal seconds per compute second) of
  :class:`ecgtf.streaming.ReconstructionStream` at one thread on 10 min of Lead I pushed in 1 s chunks;
  and of the Android Java core's live path (``core/Unet1dStream``, identical to the Python stream on
  golden vectors): its Java time on the same 10 min in 1 s chunks with a stand-in model
  (``benchmarks/java_core_rtf.sh``) plus windows × the file's LiteRT p50 at one thread — a composite,
  since LiteRT for Java cannot run here.

Writes ``table.md`` and ``table.json`` in ``--out``. Shared machines drift by up to ±40 %: compare
rows of one run.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

FORMATS = ("float32", "float16", "dynamic", "int8")


def export_preset(name: str, out: Path, reuse: bool) -> dict[str, Path]:
    """Export a preset to every format in ``out/name`` (validated); returns format → .tflite path."""
    from ecgtf.presets import preset_dir
    from export.engine import export_run

    folder = out / name
    files = {f: folder / f"unet1d_{f}.tflite" for f in FORMATS}
    if not (reuse and all(p.exists() for p in files.values()) and (folder / "heldout.npz").exists()):
        records = export_run(preset_dir(name), list(FORMATS), folder, weights="best", n_validate=128,
                             n_calibration=256, verbose=True)
        failed = [r for r in records if not r["passed"]]
        for r in failed:
            print(f"warning: {name} {r['format']} failed validation: {r.get('error') or r.get('validation')}")
    return {f: p for f, p in files.items() if p.exists()}


def stream_rtf(rec, seconds: float = 600.0) -> float:
    """Real-time factor of a live stream: signal seconds / compute seconds, 1 s chunks at 500 Hz."""
    from ecgtf.data.synthetic import SyntheticConfig, generate_record

    x = generate_record(SyntheticConfig(duration_s=60.0), seed=0).signal[0]
    x = np.tile(x, int(np.ceil(seconds / 60.0)))[:int(seconds * 500)]
    st = rec.stream(500.0)
    start = time.perf_counter()
    for i in range(0, x.size, 500):
        st.push(x[i:i + 500])
    st.flush()
    return seconds / (time.perf_counter() - start)


def java_core_time(seconds: float = 600.0):
    """(seconds, windows, Java ms) of the Android core on ``seconds`` of Lead I, or None without javac."""
    import shutil
    import subprocess

    if shutil.which("javac") is None:
        return None
    script = Path(__file__).with_name("java_core_rtf.sh")
    r = subprocess.run(["bash", str(script), str(seconds)], capture_output=True, text=True)
    if r.returncode != 0:
        print(f"warning: Java core benchmark failed: {r.stderr[-500:]}")
        return None
    sec, windows, ms = r.stdout.split()[-3:]
    return float(sec), int(windows), float(ms)


def main(argv=None) -> int:
    import ecgtf
    from ecgtf.kits.network_io import multiply_adds
    from ecgtf.presets import list_presets
    from ecgtf.reconstruction_eval import evaluate_all
    from ecgtf.runs import atomic_write_json, atomic_write_text
    from export.benchmark import _measure, _merge_keras, _row
    from export.microbench import matmul_throughput

    p = argparse.ArgumentParser(prog="python benchmarks/mobile_table.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--presets", default=None, help="comma-separated presets (default: every unet1d preset)")
    p.add_argument("--sets", default="ptb-xl-test,ludb", help="evaluation sets for the task metrics")
    p.add_argument("--out", type=Path, default=Path("runs/mobile-table"))
    p.add_argument("--runs", type=int, default=200, help="timed inferences per thread count (default 200)")
    p.add_argument("--reuse", action="store_true", help="reuse exported files already in --out")
    p.add_argument("--quick", action="store_true", help="no task metrics, no streaming (latency and limits only)")
    args = p.parse_args(argv)
    presets = args.presets.split(",") if args.presets else [n for n in list_presets() if n.startswith("unet1d")]
    args.out.mkdir(parents=True, exist_ok=True)
    throughput = matmul_throughput((1, 2))
    print("matmul GMAC/s:", json.dumps(throughput))
    java = None if args.quick else java_core_time()
    rows = []
    for name in presets:
        files = export_preset(name, args.out, args.reuse)
        keras_rec = ecgtf.Reconstructor.from_preset(name)
        macs = multiply_adds(keras_rec.run.generator("best"))
        heldout = args.out / name / "heldout.npz"
        with np.load(heldout) as z:
            keras_out, truth = z["keras"], z["truth"]
        common = {"heldout": str(heldout), "threads": [1, 2], "runs": args.runs, "warmup": 10}
        keras_res = _merge_keras([_measure({**common, "kind": "keras", "run": str(keras_rec.run.path),
                                            "weights": "best", "threads": [t]}) for t in (1, 2)])
        entries = [("keras", None, keras_res, keras_rec)]
        for fmt, f in files.items():
            meta = json.loads(f.with_suffix(".json").read_text())
            res = _measure({**common, "kind": "tflite", "file": str(f),
                            "io": (meta["inputs"][0]["name"], meta["outputs"][0]["name"])})
            entries.append((fmt, f, res, ecgtf.Reconstructor.from_tflite(f, threads=1)))
        task = {}
        if not args.quick:
            task = evaluate_all({fmt: rec for fmt, _, _, rec in entries}, sets=args.sets.split(","), baselines=False)
        for fmt, f, res, rec in entries:
            row = _row(f"{name} {fmt}", None if f is None else f.stat().st_size, res, keras_out, truth)
            kind = "int8" if fmt in ("int8", "dynamic") else "float32"  # XNNPACK runs dynamic-range with int8 GEMMs
            row.update(preset=name, format=fmt, macs=macs,
                       limit_ms=macs / (throughput[kind][1] * 1e9) * 1e3)
            row["pct_of_limit"] = 100 * row["limit_ms"] / row["latency_ms"]["1"]["p50"]
            row["task"] = {s: task[s][fmt]["summary"] for s in task}
            if not args.quick:
                row["stream_rtf_1thread"] = stream_rtf(rec) if fmt in ("float32", "int8") else None
                if java and f is not None:
                    seconds, windows, java_ms = java
                    row["java_rtf_1thread"] = seconds / ((java_ms + windows * row["latency_ms"]["1"]["p50"]) / 1e3)
            rows.append(row)
            print(f"{row['model']}: p50 {row['latency_ms']['1']['p50']:.2f} ms", flush=True)
    md = format_table(rows, throughput, args.sets.split(",") if not args.quick else [])
    print(md)
    atomic_write_text(args.out / "table.md", md)
    atomic_write_json(args.out / "table.json", {"rows": rows, "matmul_gmacs": throughput})
    print(f"wrote {args.out / 'table.md'}")
    return 0


def format_table(rows: list[dict], throughput: dict, sets: list[str]) -> str:
    lines = [f"Matrix-multiply throughput here (LiteRT FULLY_CONNECTED 256×1024·1024×1024): float32 "
             f"{throughput['float32'][1]:.1f} GMAC/s at 1 thread, {throughput['float32'][2]:.1f} at 2; int8 "
             f"{throughput['int8'][1]:.1f} / {throughput['int8'][2]:.1f} GMAC/s.", ""]
    head = ["model", "format", "size MB", "MACs M", "p50/p90 ms @1", "p50/p90 ms @2", "limit ms @1", "% of limit",
            "peak MB", "rel RMS vs Keras"]
    for s in sets:
        head += [f"{s} r (11)", f"{s} r (II,V1–V6)", f"{s} RMSE mV (11)", f"{s} HR MAE bpm",
                 f"{s} beats found % (II / all 11)"]
    head += ["stream RTF @1 (Python)", "stream RTF @1 (Java core + LiteRT)"]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * 2 + "---:|" * (len(head) - 2)]
    for r in rows:
        lat = r["latency_ms"]
        cells = [r["preset"], r["format"], "-" if r["size_mb"] is None else f"{r['size_mb']:.2f}",
                 f"{r['macs'] / 1e6:.0f}", f"{lat['1']['p50']:.2f}/{lat['1']['p90']:.2f}",
                 f"{lat['2']['p50']:.2f}/{lat['2']['p90']:.2f}", f"{r['limit_ms']:.2f}", f"{r['pct_of_limit']:.0f}",
                 f"{r['peak_rss_mb']:.0f}", f"{100 * r['rel_rms_vs_keras']:.2f} %"]
        for s in sets:
            t = r["task"].get(s, {})
            cells += [f"{t.get('r_11', float('nan')):.3f}", f"{t.get('r_7', float('nan')):.3f}",
                      f"{t.get('rmse_mv_11', float('nan')):.4f}", f"{t.get('hr_mae_bpm', float('nan')):.2f}",
                      f"{t.get('beats_lead_ii_pct', float('nan')):.1f} / {t.get('beats_all_leads_pct', float('nan')):.1f}"]
        for key in ("stream_rtf_1thread", "java_rtf_1thread"):
            rtf = r.get(key)
            cells.append("-" if rtf is None else f"{rtf:.0f}×")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
