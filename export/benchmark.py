"""Benchmark exported TFLite files: size, accuracy and latency, with the Keras model as the first row.

    python -m export.benchmark runs/ekgan-ptbxl/export/*.tflite
    python -m export.benchmark runs/demo/export/ekgan_int8.tflite --threads 1,2,4 --runs 100

For each file: size, error vs Keras (RMS / std of the Keras output) and vs ground truth (RMSE, in
the model's output units) on the held-out windows saved by ``python -m export`` (``heldout.npz``),
latency p50/p90/p99 over ``--runs`` single inferences after ``--warmup`` at each thread count
(LiteRT's default XNNPACK CPU delegate), and the peak memory of a fresh process that loads the
model and runs it (RSS high-water mark minus that of the same process before loading).
Every file runs in its own subprocess so one model's memory does not count against another's.
Timings on shared machines drift: compare rows of one run, not numbers across runs.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from ecgtf.arguments import non_negative_int, positive_int
from export.errors import compare


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m export.benchmark", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+", type=Path, help=".tflite files written by python -m export")
    p.add_argument("--threads", default="1,2,4", help="thread counts (default 1,2,4)")
    p.add_argument("--runs", type=positive_int, default=50, help="timed inferences per thread count (default 50)")
    p.add_argument("--warmup", type=non_negative_int, default=5)
    p.add_argument("--no-keras", action="store_true", help="skip the Keras reference row")
    p.add_argument("--out", type=Path, default=None, help="JSON output (default benchmark.json next to the first file)")
    p.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    return p


def _proc_kb(field: str) -> float:
    """A field of /proc/self/status in kB (VmRSS: resident now, VmHWM: resident high-water mark)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return float(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def worker(spec: dict) -> dict:
    """Runs in a fresh process: load one model, time it, return outputs, latencies and peak memory.

    Peak memory = resident high-water mark at the end minus resident size just before loading.
    """
    import time

    data = np.load(spec["heldout"])
    inputs = data["inputs"]
    if spec["kind"] == "keras":
        from ecgtf.backend import tf

        tf.config.threading.set_intra_op_parallelism_threads(spec["threads"][0])
        from export.tflite import load_mobile_module

        base = _proc_kb("VmRSS")
        module = load_mobile_module(spec["run"], spec.get("weights", "final"))
        runners = {spec["threads"][0]: lambda x: module(x[None])[0]}
    else:
        from ai_edge_litert.interpreter import Interpreter

        base = _proc_kb("VmRSS")
        iname, oname = spec["io"]
        runners = {}
        for threads in spec["threads"]:
            interp = Interpreter(model_path=spec["file"], num_threads=threads)
            interp.allocate_tensors()
            runner = interp.get_signature_runner()

            def run(x, interp=interp, runner=runner):
                interp.reset_all_variables()  # LSTM state: every inference is independent
                return runner(**{iname: x[None].astype(np.float32)})[oname][0]
            runners[threads] = run
    latency = {}
    for threads, run in runners.items():
        for _ in range(spec["warmup"]):
            run(inputs[0])
        times = []
        for i in range(spec["runs"]):
            start = time.perf_counter()
            run(inputs[i % len(inputs)])
            times.append((time.perf_counter() - start) * 1e3)
        latency[str(threads)] = times
    outputs = np.stack([next(iter(runners.values()))(x) for x in inputs])
    return {"latency_ms": latency, "outputs": outputs.tolist(),
            "peak_rss_mb": (_proc_kb("VmHWM") - base) / 1024.0}


def _measure(spec: dict) -> dict:
    root = Path(__file__).resolve().parents[1]
    r = subprocess.run([sys.executable, "-m", "export.benchmark", "--worker", json.dumps(spec), "x"],
                       capture_output=True, text=True, cwd=root)
    line = next((ln for ln in r.stdout.splitlines() if ln.startswith("@@RESULT@@")), None)
    if r.returncode != 0 or line is None:
        raise RuntimeError(f"benchmark worker failed for {spec.get('file') or spec.get('run')}: {r.stderr[-1500:]}")
    return json.loads(line[len("@@RESULT@@"):])


def _merge_keras(results: list[dict]) -> dict:
    """One Keras row from per-thread-count processes (outputs from the first, the largest peak memory)."""
    return {"outputs": results[0]["outputs"], "peak_rss_mb": max(r["peak_rss_mb"] for r in results),
            "latency_ms": {k: v for r in results for k, v in r["latency_ms"].items()}}


def _row(name: str, size: int | None, res: dict, keras_out, truth, inputs=None) -> dict:
    """One table row; errors as the export validation counts them (:func:`export.errors.compare`: an any-leads
    model's recorded-lead rows do not count)."""
    out = np.asarray(res["outputs"])
    errors = compare(out, keras_out, truth if truth is not None and truth.size else None, inputs)
    row = {"model": name, "size_mb": None if size is None else size / 1e6, "peak_rss_mb": res["peak_rss_mb"],
           "rel_rms_vs_keras": errors["rel_rms_vs_keras"], "rmse_vs_truth": errors.get("rmse_vs_truth"),
           "latency_ms": {}}
    for threads, t in res["latency_ms"].items():
        row["latency_ms"][threads] = {q: float(np.percentile(t, int(q[1:]))) for q in ("p50", "p90", "p99")}
    return row


def format_table(rows: list[dict]) -> str:
    threads = list(rows[0]["latency_ms"])
    head = f"{'model':<26}{'size MB':>9}{'err vs Keras':>14}{'RMSE truth':>12}" + \
        "".join(f"{'p50/p90/p99 ms @' + t:>24}" for t in threads) + f"{'peak MB':>9}"
    lines = [head, "-" * len(head)]
    for r in rows:
        size = "-" if r["size_mb"] is None else f"{r['size_mb']:.2f}"
        truth = "-" if r["rmse_vs_truth"] is None else f"{r['rmse_vs_truth']:.4f}"
        lat = "".join(f"{'{:.2f}/{:.2f}/{:.2f}'.format(*(r['latency_ms'][t][q] for q in ('p50', 'p90', 'p99'))):>24}"
                      for t in threads)
        lines.append(f"{r['model']:<26}{size:>9}{r['rel_rms_vs_keras']:>14.5f}{truth:>12}{lat}{r['peak_rss_mb']:>9.1f}")
    return "\n".join(lines)


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if args.worker:
        print("@@RESULT@@" + json.dumps(worker(json.loads(args.worker))))
        return 0
    from ecgtf.trainer import atomic_write_json, fail

    try:
        threads = [int(t) for t in args.threads.split(",")]
        if not threads or min(threads) < 1 or args.runs < 1 or args.warmup < 0:
            raise ValueError
    except ValueError:
        return fail(f"--threads must be positive integers (e.g. 1,2,4), --runs ≥ 1 and --warmup ≥ 0; got "
                    f"--threads {args.threads} --runs {args.runs} --warmup {args.warmup}")
    from ecgtf.lite import read_tflite_metadata

    metas = []
    for f in args.files:
        meta_path = f.with_suffix(".json")
        if not f.exists() or not meta_path.exists():
            return fail(f"{f}: expected a .tflite file with its metadata {meta_path.name} (written by python -m export)")
        try:
            metas.append(read_tflite_metadata(f))
        except ValueError as exc:
            return fail(str(exc))
    runs = {m.get("run") for m in metas}
    if len(runs) > 1:
        return fail(f"the files come from different runs ({sorted(map(str, runs))}): benchmark one export at a time")
    out = args.out or args.files[0].parent / "benchmark.json"
    if out.exists() and out.is_dir() or not out.parent.is_dir():
        return fail(f"--out {out}: expected a file path in an existing folder (checked before any timing)")
    heldout = args.files[0].parent / "heldout.npz"
    if not heldout.exists():
        return fail(f"{heldout} not found: run python -m export first (it saves the held-out windows)")
    try:
        with np.load(heldout) as z:
            keras_out, truth, inputs = z["keras"], z["truth"], z["inputs"]
            heldout_run = str(z["run"]) if "run" in z.files else None
    except Exception as exc:  # zipfile.BadZipFile, KeyError, OSError, ValueError
        return fail(f"{heldout}: unreadable ({type(exc).__name__}: {exc}); rerun python -m export to rewrite it")
    for f, meta in zip(args.files, metas):
        if heldout_run is not None and str(meta.get("run")) != heldout_run:
            return fail(f"{f} was exported from {meta.get('run')}, but {heldout} holds windows of {heldout_run}: "
                        "benchmark the files of one export folder together")
        shape = tuple(meta["inputs"][0]["shape"][1:])
        if tuple(inputs.shape[1:]) != shape:
            return fail(f"{f} expects inputs of shape {shape}, but {heldout} holds {tuple(inputs.shape[1:])}: "
                        "the file belongs to another export")
    rows = []
    common = {"heldout": str(heldout), "threads": threads, "runs": args.runs, "warmup": args.warmup}
    try:
        if not args.no_keras:
            res = _merge_keras([_measure({**common, "kind": "keras", "run": metas[0]["run"],
                                          "weights": metas[0].get("weights", "final"), "threads": [t]})
                                for t in threads])
            rows.append(_row("keras (float32)", None, res, keras_out, truth, inputs))
        for f, meta in zip(args.files, metas):
            io = (meta["inputs"][0]["name"], meta["outputs"][0]["name"])
            res = _measure({**common, "kind": "tflite", "file": str(f), "io": io})
            rows.append(_row(f"tflite {meta['format']}", f.stat().st_size, res, keras_out, truth, inputs))
    except RuntimeError as exc:
        return fail(str(exc))
    print(f"held-out windows: {len(keras_out)}; {args.runs} timed runs per thread count, batch 1, LiteRT XNNPACK on CPU")
    print(format_table(rows))
    atomic_write_json(out, {"rows": rows, "threads": threads, "runs": args.runs})
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
