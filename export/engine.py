"""The export engine: a trained run → validated TFLite files with metadata, one format at a time.

    python -m export runs/ekgan-ptbxl                         # every default format of the model
    python -m export runs/ekgan-ptbxl --formats int8 --budget 0.02
    ecgtf export runs/unet1d --formats float32,int8           # the same, via the one CLI

Formats come from one table (:mod:`export.formats`, ``--list-formats``). Every file is loaded in
the LiteRT interpreter and compared with the Keras model on held-out windows; over budget (RMS error
relative to the std of the Keras output), nothing is written for that format and the command exits
with status 1. Files are written under a temporary name and renamed only after they pass, so a
crash or a failure never leaves a partial .tflite behind. Next to each ``NAME.tflite`` goes
``NAME.json`` (metadata) and, once per export, ``heldout.npz`` (the windows used, for
``python -m export.benchmark``).

What each model exports is defined in its folder's ``mobile.py``: the signature, the held-out and
calibration data (``export_data``), per-format preparation (``module_for_format``) and metadata.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path

import numpy as np

import ecgtf
from ecgtf import registry
from ecgtf.arguments import non_negative_int, positive_float, positive_int
from ecgtf.data.sources import DATASETS, canonical_name
from ecgtf.files import atomic_write, json_digest
from ecgtf.intervals import CALIBRATION_FILE
from ecgtf.lite import run_tflite
from ecgtf.runs import Run
from ecgtf.trainer import fail
from export.errors import compare
from export.formats import FORMATS, default_formats, export_formats_table, formats_for
from export.tflite import FlexOpError, convert, io_details, strip_tensor_names, tensor_types, weight_bytes


def build_parser(prog: str = "python -m export") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("run", type=Path, nargs="?", help="run directory written by `ecgtf train`")
    p.add_argument("--formats", default=None,
                   help=f"comma-separated subset of {','.join(FORMATS)} (default: the model's defaults)")
    p.add_argument("--list-formats", action="store_true", help="print the table of formats and exit")
    p.add_argument("--out", type=Path, default=None, help="output folder (default <run>/export)")
    p.add_argument("--budget", type=positive_float, default=None,
                   help="max RMS error vs Keras as a fraction of the Keras output's std (default: per format, "
                        "see --list-formats; float32 always 1e-3)")
    p.add_argument("--n-validate", type=positive_int, default=64, help="held-out windows for validation (default 64)")
    p.add_argument("--n-calibration", type=positive_int, default=128, help="training windows for int8 calibration (default 128)")
    p.add_argument("--qat-steps", type=non_negative_int, default=200, help="QAT fine-tuning steps (default 200)")
    p.add_argument("--qat-lr", type=positive_float, default=1e-5)
    p.add_argument("--keep-names", action="store_true", help="keep the converter's long internal tensor names")
    p.add_argument("--weights", choices=["final", "best"], default="final",
                   help="weights to export: last epoch (default) or best validation epoch")
    return p


class ExportJob:
    """A run prepared for export: its generator, mobile module, held-out and calibration data."""

    def __init__(self, run, n_validate: int = 64, n_calibration: int = 128, weights: str = "final"):
        self.run = run if isinstance(run, Run) else Run(run)
        self.spec = self.run.spec
        self.kind = self.run.model
        self.weights = weights
        self.hooks = registry.mobile_hooks(self.spec)
        self.generator = self.run.generator(weights)
        self.module = self.hooks.mobile_module(self.run, self.generator)
        data = self.hooks.export_data(self.run, self.generator, n_validate, n_calibration)
        self.data = data
        self.inputs, self.truth, self.calibration = data["inputs"], data["truth"], data["calibration"]
        self.io_names = (self.module.input_name, self.module.output_name)
        self._float_outputs = None

    def keras_outputs(self, module=None) -> np.ndarray:
        """Keras outputs on the held-out inputs; the float model's are computed once and reused."""
        if module is not None and module is not self.module:
            return np.stack([module(x[None])[0] for x in self.inputs])
        if self._float_outputs is None:
            self._float_outputs = np.stack([self.module(x[None])[0] for x in self.inputs])
        return self._float_outputs

    def representative(self):
        for x in self.calibration:
            yield [x[None].astype(np.float32)]

    def metadata(self) -> dict:
        source = getattr(self.run.data, "source", None) or ",".join(getattr(self.run.data, "sources", ()))
        names = [s.split(":")[0] for s in source.split(",")]
        return {"model": self.kind, "ecgtf_version": ecgtf.__version__,
                "created": datetime.now().isoformat(timespec="seconds"), "run": str(self.run.path),
                "weights": self.weights, "training_data": source,
                "licence": {"model": "MIT (ecgtf)", "training_data": "; ".join(_licence(n) for n in names)},
                "preprocessing_config": self.run.raw.get("preprocessing"),
                **self.hooks.export_metadata(self.run, module=self.module)}


def _licence(source: str) -> str:
    """Provenance and licence of a training source, from the dataset table (:data:`ecgtf.data.sources.DATASETS`)."""
    if source == "synthetic":
        return "ecgtf synthetic generator (no third-party data)"
    if source == "deepfake-ecg":
        return ("Pulse2Pulse weights of the deepfake-ecg package (Thambawita et al., Sci. Rep. 11, 21896, 2021; MIT), "
                "trained by its authors on 10 s GE MUSE ECGs")
    try:
        return DATASETS[canonical_name(source)]["about"]
    except ValueError:
        return f"user data from {source}"


def export_format(job: ExportJob, fmt: str, out_dir: Path, budget: float | None = None, keep_names: bool = False,
                  qat_steps: int = 200, qat_lr: float = 1e-5) -> dict:
    """Convert, validate and (only if it passes) write one format. Returns its record."""
    spec = FORMATS[fmt]
    if fmt not in formats_for(job.spec):
        raise ValueError(f"format {fmt!r} is not offered for {job.kind} (see --list-formats)")
    t0 = time.perf_counter()
    module, info = job.hooks.module_for_format(job.run, job.generator, fmt, job.data, qat_steps=qat_steps,
                                               qat_lr=qat_lr)
    if not info:  # unchanged for this format: reuse the float module (and its cached outputs)
        module = job.module
    content = convert(module, fmt, job.representative if spec.calibration else None)
    raw_size = len(content)
    if not keep_names:
        content = strip_tensor_names(content)
    name = f"{job.kind}_{fmt}"
    final, tmp = out_dir / f"{name}.tflite", out_dir / f".{name}.tflite.tmp"
    tmp.write_bytes(content)
    try:
        keras_out = job.keras_outputs(module)  # the Keras model this file was converted from (QAT: fine-tuned)
        pred = run_tflite(tmp, job.inputs, *job.io_names)
        errors = compare(pred, keras_out, job.truth, job.inputs)
        if "qat" in info:
            float_out = job.keras_outputs()
            errors["rel_rms_vs_float_keras"] = float(np.sqrt(np.mean((pred - float_out) ** 2)) / np.std(float_out))
        limit = 1e-3 if fmt == "float32" else (job.spec.budget_for(fmt, spec.budget) if budget is None else budget)
        record = {"format": fmt, "file": final.name, "size_bytes": len(content), "size_before_name_strip": raw_size,
                  "validation": {**errors, "budget_rel_rms": limit, "n_windows": int(len(job.inputs)),
                                 "windows": job.data.get("windows", "")},
                  "seconds": time.perf_counter() - t0, **info}
        if not errors["rel_rms_vs_keras"] <= limit:
            record["passed"] = False
            return record
        if spec.int8_activations:  # a calibration gone wrong can leave an "int8" file mostly float32 weights
            held = weight_bytes(content)   # by bytes of weights: selective int8 adds many small float tensors
            if held.get("float32", 0) > held.get("int8", 0):
                record.update(passed=False, error=f"{fmt}: the converted file's weights are mostly float32 (bytes "
                                                  f"{held}); quantization did not happen as asked")
                return record
        meta = {**job.metadata(), "format": fmt, "file": final.name, "size_bytes": len(content),
                "sha256": hashlib.sha256(content).hexdigest(), **io_details(content),
                "tensor_dtypes": tensor_types(content), "weight_bytes": weight_bytes(content), "validation": record["validation"], **info}
        meta = json.loads(json.dumps(meta, default=float))
        meta["metadata_sha256"] = json_digest(meta, "metadata_sha256")   # an edited fs or window is refused on load
        meta_tmp = out_dir / f".{name}.json.tmp"
        meta_tmp.write_text(json.dumps(meta, indent=2))
        os.replace(tmp, final)
        os.replace(meta_tmp, out_dir / f"{name}.json")
        record["passed"] = True
        record["sha256"] = meta["sha256"]
        return record
    finally:
        if tmp.exists():
            tmp.unlink()


def export_run(run, formats=None, out: Path | None = None, budget: float | None = None, n_validate: int = 64,
               n_calibration: int = 128, weights: str = "final", keep_names: bool = False, qat_steps: int = 200,
               qat_lr: float = 1e-5, verbose: bool = True) -> list[dict]:
    """Export ``run`` to ``formats`` (default: the model's defaults) in ``out`` (default ``<run>/export``)."""
    job = ExportJob(run, n_validate, n_calibration, weights)
    formats = list(formats) if formats else default_formats(job.spec)
    bad = [f for f in formats if f not in formats_for(job.spec)]
    if bad:
        raise ValueError(f"unknown or unsupported format(s) {bad} for {job.kind}; expected a subset of "
                         f"{','.join(formats_for(job.spec))}")
    out = Path(out) if out else job.run.path / "export"
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / ".heldout.npz.tmp.npz"
    np.savez_compressed(tmp, inputs=job.inputs, keras=job.keras_outputs(),
                        truth=job.truth if job.truth is not None else np.zeros(0), run=str(job.run.path))
    os.replace(tmp, out / "heldout.npz")
    records = []
    for fmt in formats:
        if verbose:
            print(f"exporting {fmt} ...", flush=True)
        try:
            rec = export_format(job, fmt, out, budget, keep_names, qat_steps, qat_lr)
        except (FlexOpError, ValueError) as exc:
            rec = {"format": fmt, "passed": False, "error": str(exc)}
        records.append(rec)
    tmp = out / ".export_report.json.tmp"
    tmp.write_text(json.dumps(records, indent=2, default=float))
    os.replace(tmp, out / "export_report.json")
    calibration = job.run.path / CALIBRATION_FILE       # the bands travel with the files (Reconstructor.from_tflite)
    if calibration.exists() and calibration.resolve() != (out / CALIBRATION_FILE).resolve():
        atomic_write(out / CALIBRATION_FILE, lambda fh: fh.write(calibration.read_bytes()), mode="wb")
    return records


def format_records(records: list[dict]) -> str:
    lines = [f"{'format':<10}{'size MB':>10}{'rel RMS vs Keras':>18}{'max |err|':>12}{'RMSE vs truth':>15}  result"]
    for r in records:
        v = r.get("validation", {})
        lines.append(f"{r['format']:<10}{r.get('size_bytes', 0) / 1e6:>10.3f}{v.get('rel_rms_vs_keras', float('nan')):>18.5f}"
                     f"{v.get('max_abs_vs_keras', float('nan')):>12.4f}{v.get('rmse_vs_truth', float('nan')):>15.4f}  "
                     + ("ok -> " + r["file"] if r["passed"] else "FAILED: " + r.get("error", f"over budget {v.get('budget_rel_rms')}")))
    return "\n".join(lines)


def main(argv=None, prog: str = "python -m export") -> int:
    args = build_parser(prog).parse_args(argv)
    if args.list_formats:
        print(export_formats_table())
        return 0
    if args.run is None:
        return fail("give a run directory to export (or --list-formats)")
    if not (args.run / "config.json").exists():
        return fail(f"{args.run} is not a run directory (no config.json)")
    for name in ("n_validate", "n_calibration", "qat_steps"):
        if getattr(args, name) < 1:
            return fail(f"--{name.replace('_', '-')} must be ≥ 1, got {getattr(args, name)}")
    if args.budget is not None and not (0 < args.budget <= 100):
        return fail(f"--budget must be a positive fraction of the output's std (e.g. 0.1), got {args.budget}")
    try:
        records = export_run(args.run, args.formats.split(",") if args.formats else None, args.out, args.budget,
                             args.n_validate, args.n_calibration, args.weights, args.keep_names, args.qat_steps,
                             args.qat_lr)
    except (ValueError, FileNotFoundError, OSError) as exc:
        return fail(str(exc))
    print("\n" + format_records(records))
    failed = [r["format"] for r in records if not r["passed"]]
    out = args.out or args.run / "export"
    if failed:
        print(f"\n{len(failed)} format(s) failed validation or conversion and were not written: {failed}", file=sys.stderr)
        return 1
    print(f"\nwrote {len(records)} model(s) with metadata to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
