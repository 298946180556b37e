"""Export a trained run (EKGAN or LSTM-GAN) to validated TFLite files with metadata.

    python -m export runs/ekgan-ptbxl                         # all formats for EKGAN
    python -m export runs/ekgan-ptbxl --formats int8 --budget 0.02
    python -m export runs/lstm-gan-ludb                       # float32, float16, dynamic

Every file is loaded in the LiteRT interpreter and compared with the Keras model on held-out
windows (the run's test split; noise vectors for LSTM-GAN). If the error relative to Keras is over
the budget (RMS error / std of the Keras output; float32 always 1e-3), nothing is written for that
format and the command exits with status 1. Files are written under a temporary name and renamed
only after they pass, so a crash or a failure never leaves a partial .tflite behind.
Next to each ``NAME.tflite`` goes ``NAME.json`` (metadata) and, once per export, ``heldout.npz``
(the windows used, for ``python -m export.benchmark``).
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

DEFAULT_FORMATS = {"ekgan": ("float32", "float16", "dynamic", "int8", "qat"),
                   "lstm_gan": ("float32", "float16", "dynamic")}
_LICENCES = {"ptbxl": "PTB-XL 1.0 (Wagner et al. 2020), CC BY 4.0", "ludb": "LUDB 1.0.1 (Kalyakulina et al. 2020), ODC-By 1.0",
             "synthetic": "ecgtf synthetic generator (no third-party data)"}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m export", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("run", type=Path, help="run directory of training.ekgan or training.lstm_gan")
    p.add_argument("--formats", default=None,
                   help="comma-separated subset of float32,float16,dynamic,int8,qat (default: all that suit the model)")
    p.add_argument("--out", type=Path, default=None, help="output folder (default <run>/export)")
    p.add_argument("--budget", type=float, default=0.10,
                   help="max RMS error vs Keras as a fraction of the Keras output's std (default 0.10)")
    p.add_argument("--n-validate", type=int, default=64, help="held-out windows for validation (default 64)")
    p.add_argument("--n-calibration", type=int, default=128, help="training windows for int8 calibration (default 128)")
    p.add_argument("--qat-steps", type=int, default=200, help="QAT fine-tuning steps (default 200)")
    p.add_argument("--qat-lr", type=float, default=1e-5)
    p.add_argument("--keep-names", action="store_true", help="keep the converter's long internal tensor names")
    p.add_argument("--weights", choices=["final", "best"], default="final",
                   help="EKGAN weights to export: last epoch (default) or best validation epoch")
    return p


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def run_tflite(content_or_path, inputs: np.ndarray, input_name: str, output_name: str, threads: int = 1) -> np.ndarray:
    """Run a TFLite model on each input (batch 1), resetting state (LSTM) before every inference."""
    from ai_edge_litert.interpreter import Interpreter

    kw = {"model_content": content_or_path} if isinstance(content_or_path, (bytes, bytearray)) else \
        {"model_path": str(content_or_path)}
    interp = Interpreter(num_threads=threads, **kw)
    interp.allocate_tensors()  # reset_all_variables needs allocated tensors
    runner = interp.get_signature_runner()
    outs = []
    for x in inputs:
        interp.reset_all_variables()
        outs.append(runner(**{input_name: x[None].astype(np.float32)})[output_name][0])
    return np.stack(outs)


def compare(pred: np.ndarray, keras_out: np.ndarray, truth: np.ndarray | None) -> dict:
    err = pred - keras_out
    out = {"rel_rms_vs_keras": float(np.sqrt(np.mean(err ** 2)) / (np.std(keras_out) + 1e-12)),
           "max_abs_vs_keras": float(np.max(np.abs(err)))}
    if truth is not None:
        out["rmse_vs_truth"] = float(np.sqrt(np.mean((pred - truth) ** 2)))
        out["keras_rmse_vs_truth"] = float(np.sqrt(np.mean((keras_out - truth) ** 2)))
    return out


class Exportable:
    """What export needs from a run: the mobile module, held-out data, calibration and metadata."""

    def __init__(self, run: Path, n_validate: int, n_calibration: int, weights: str = "final"):
        self.run = run
        self.weights = weights
        self.cfg = json.loads((run / "config.json").read_text())
        self.kind = self.cfg.get("model")
        if self.kind == "ekgan":
            self._init_ekgan(n_validate, n_calibration)
        elif self.kind == "lstm_gan":
            self._init_lstm(n_validate, n_calibration)
        else:
            raise ValueError(f"{run}/config.json: unknown model {self.kind!r}; expected 'ekgan' or 'lstm_gan'")

    def _init_ekgan(self, n_validate, n_calibration):
        from training.ekgan import load_generator, load_split_data

        from export.tflite import EkganMobile
        from ecgtf.preprocessing.ekgan import leads_from_model

        self.generator, _, self.arch, self.pre = load_generator(self.run, self.weights)
        data = load_split_data(self.cfg, progress=False)
        x, y, self.scale, self.offset, self.ids = data["test"]
        self.x_model, self.y_model = x[:n_validate], y[:n_validate]
        self.inputs = leads_from_model(self.x_model, self.pre)[:, 0]          # (N, 512) Lead I
        self.truth = leads_from_model(self.y_model, self.pre)                 # (N, 12, 512)
        xt, yt = data["train"][:2]
        self.train_pairs = (xt, yt)
        self.calibration = leads_from_model(xt[:n_calibration], self.pre)[:, 0]
        self.module = EkganMobile(self.generator, self.pre.pad_rows)
        self.io_names = (self.module.input_name, self.module.output_name)

    def _init_lstm(self, n_validate, n_calibration):
        from export.tflite import LstmGanMobile
        from ecgtf.models.lstm_gan import build_generator

        self.generator = build_generator()
        self.generator.load_weights(str(self.run / "final" / "generator.weights.h5"))
        rng = np.random.default_rng(0)
        shape = tuple(self.generator.input_shape[1:])
        self.inputs = rng.standard_normal((n_validate,) + shape).astype(np.float32)
        self.truth = None
        self.calibration = rng.standard_normal((n_calibration,) + shape).astype(np.float32)
        self.module = LstmGanMobile(self.generator)
        self.io_names = (self.module.input_name, self.module.output_name)

    def keras_outputs(self, module=None) -> np.ndarray:
        """Keras outputs on the held-out inputs; the float model's are computed once and reused."""
        if module is not None and module is not self.module:
            return np.stack([module(x[None])[0] for x in self.inputs])
        if getattr(self, "_float_outputs", None) is None:
            self._float_outputs = np.stack([self.module(x[None])[0] for x in self.inputs])
        return self._float_outputs

    def representative(self):
        for x in self.calibration:
            yield [x[None].astype(np.float32)]

    def metadata(self) -> dict:
        import ecgtf
        from ecgtf.leads import LEADS

        d = self.cfg["data"]
        meta = {"model": self.kind, "ecgtf_version": ecgtf.__version__, "created": datetime.now().isoformat(timespec="seconds"),
                "run": str(self.run), "weights": self.weights, "training_data": d["source"],
                "licence": {"model": "MIT (ecgtf)", "training_data": _LICENCES.get(d["source"], f"see {d['source']}")}}
        if self.kind == "ekgan":
            import scipy

            from ecgtf.preprocessing.signal import bandpass_sos, resample_poly_filter

            p = self.pre
            meta["variant"] = self.cfg["variant"]
            meta["architecture"] = {"width": self.arch.width, "physics_head": self.arch.physics_head}
            meta["input_spec"] = {
                "name": "lead_i", "description": "Lead I after ecgtf's EKGAN preprocessing",
                "samples": p.n_out, "sampling_rate_hz": p.fs_out, "duration_s": p.n_out / p.fs_out,
                "raw_sampling_rate_hz": p.fs,
                "preprocessing": [f"resample the recording to {p.fs:g} Hz", f"drop the first {p.drop_s:g} s",
                                  f"keep {p.n_keep} samples ({p.n_keep / p.fs:g} s)",
                                  "min-max to [-1, 1]" if p.normalization == "per_lead" else f"divide by {p.fixed_scale_mv} mV",
                                  f"band-pass {p.band_hz[0]}-{p.band_hz[1]} Hz: sosfiltfilt with bandpass_sos (odd padding, "
                                  "scipy defaults)", f"downsample by {p.downsample_factor}: resample_poly(x, 1, "
                                  f"{p.downsample_factor}) with downsample_fir"],
                "normalization": p.normalization, "fixed_scale_mv": p.fixed_scale_mv if p.normalization == "fixed" else None,
                "bandpass_sos": bandpass_sos(p.band_hz[0], p.band_hz[1], p.fs, p.filter_order).tolist(),
                "downsample_fir": resample_poly_filter(1, p.downsample_factor).tolist(),
                "scipy_version": scipy.__version__}
            meta["output_spec"] = {
                "name": "leads", "shape": [1, 12, p.n_out], "lead_order": list(LEADS), "sampling_rate_hz": p.fs_out,
                "units": ("normalised per lead: each lead's amplitude is only known up to its own scale (per-lead "
                          "min-max training targets)") if p.normalization == "per_lead"
                else f"multiply by {p.fixed_scale_mv} to get mV"}
        else:
            meta["input_spec"] = {"name": "noise", "shape": [1, 100, 12], "distribution": "N(0, 1)",
                                  "note": "the TFLite LSTM keeps state between calls: reset variables before each beat"}
            meta["output_spec"] = {"name": "beat", "shape": [1, 400], "sampling_rate_hz": 500.0,
                                   "units": "raw LUDB units / 2173 (≈ mV / 2.173)"}
        return meta


def export_format(ex: Exportable, fmt: str, out_dir: Path, budget: float, keep_names: bool,
                  qat_steps: int, qat_lr: float) -> dict:
    """Convert, validate and (only if it passes) write one format. Returns its record."""
    from export.tflite import EkganMobile, convert, io_details, strip_tensor_names, tensor_types

    t0 = time.perf_counter()
    module, qat_info = ex.module, None
    if fmt == "qat" and ex.kind != "ekgan":
        raise ValueError("QAT export is implemented for EKGAN only (tfmot does not wrap the BiLSTM)")
    equalized = None
    if ex.kind == "ekgan" and fmt == "int8":
        from export.equalize import equalize_skip_ranges

        eq_gen, scales = equalize_skip_ranges(ex.generator, ex.arch, ex.train_pairs[0][:len(ex.calibration)])
        module = EkganMobile(eq_gen, ex.pre.pad_rows)
        equalized = {"skip_scales": scales, "note": "skip-range equalisation (export/equalize.py); same float function"}
    if fmt == "qat":
        from export.qat import qat_finetune

        disc = _load_discriminator(ex)
        qgen, losses = qat_finetune(module.generator, *ex.train_pairs, discriminator=disc, steps=qat_steps, lr=qat_lr)
        module = EkganMobile(qgen, ex.pre.pad_rows)
        qat_info = {"steps": qat_steps, "lr": qat_lr, "loss_first": losses[0], "loss_last": losses[-1],
                    "discriminator": disc is not None}
    content = convert(module, fmt, ex.representative if fmt == "int8" else None)
    raw_size = len(content)
    if not keep_names:
        content = strip_tensor_names(content)
    name = f"{ex.kind}_{fmt}"
    final, tmp = out_dir / f"{name}.tflite", out_dir / f".{name}.tflite.tmp"
    tmp.write_bytes(content)
    try:
        keras_out = ex.keras_outputs(module)  # the Keras model this file was converted from (QAT: fine-tuned)
        pred = run_tflite(tmp, ex.inputs, *ex.io_names)
        errors = compare(pred, keras_out, ex.truth)
        if qat_info:
            float_out = ex.keras_outputs()
            errors["rel_rms_vs_float_keras"] = float(np.sqrt(np.mean((pred - float_out) ** 2)) / np.std(float_out))
        limit = 1e-3 if fmt == "float32" else budget
        record = {"format": fmt, "file": final.name, "size_bytes": len(content), "size_before_name_strip": raw_size,
                  "validation": {**errors, "budget_rel_rms": limit, "n_windows": int(len(ex.inputs)),
                                 "windows": "test split" if ex.kind == "ekgan" else "N(0,1) noise"},
                  "seconds": time.perf_counter() - t0}
        if qat_info:
            record["qat"] = qat_info
        if equalized:
            record["equalization"] = equalized
        if not errors["rel_rms_vs_keras"] <= limit:
            record["passed"] = False
            return record
        meta = {**ex.metadata(), "format": fmt, "file": final.name, "size_bytes": len(content),
                "sha256": hashlib.sha256(content).hexdigest(), **io_details(content),
                "tensor_dtypes": tensor_types(content), "validation": record["validation"]}
        if qat_info:
            meta["qat"] = qat_info
        if equalized:
            meta["equalization"] = equalized
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


def _load_discriminator(ex: Exportable):
    from ecgtf.models.ekgan import build_discriminator

    path = ex.run / "final" / "discriminator.weights.h5"
    if ex.cfg["variant"] in ("pix2pix", "no-discriminator") or not path.exists():
        return None
    d = build_discriminator(ex.arch)
    d.load_weights(str(path))
    return d


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    from training.common import fail

    if not (args.run / "config.json").exists():
        return fail(f"{args.run} is not a run directory (no config.json)")
    try:
        ex = Exportable(args.run, args.n_validate, args.n_calibration, args.weights)
    except (ValueError, FileNotFoundError, OSError) as exc:
        return fail(str(exc))
    from export.tflite import FORMATS, FlexOpError

    formats = args.formats.split(",") if args.formats else list(DEFAULT_FORMATS[ex.kind])
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        return fail(f"unknown format(s) {unknown}; expected a subset of {','.join(FORMATS)}")
    out = args.out or args.run / "export"
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out / "heldout.npz", inputs=ex.inputs, keras=ex.keras_outputs(),
                        truth=ex.truth if ex.truth is not None else np.zeros(0))
    records, failed = [], []
    for fmt in formats:
        print(f"exporting {fmt} ...", flush=True)
        try:
            rec = export_format(ex, fmt, out, args.budget, args.keep_names, args.qat_steps, args.qat_lr)
        except (FlexOpError, ValueError) as exc:
            rec = {"format": fmt, "passed": False, "error": str(exc)}
        records.append(rec)
        if not rec["passed"]:
            failed.append(fmt)
    print(f"\n{'format':<10}{'size MB':>10}{'rel RMS vs Keras':>18}{'max |err|':>12}{'RMSE vs truth':>15}  result")
    for r in records:
        v = r.get("validation", {})
        print(f"{r['format']:<10}{r.get('size_bytes', 0) / 1e6:>10.3f}{v.get('rel_rms_vs_keras', float('nan')):>18.5f}"
              f"{v.get('max_abs_vs_keras', float('nan')):>12.4f}{v.get('rmse_vs_truth', float('nan')):>15.4f}  "
              + ("ok -> " + r["file"] if r["passed"] else "FAILED: " + r.get("error", f"over budget {v.get('budget_rel_rms')}")))
    (out / "export_report.json").write_text(json.dumps(records, indent=2))
    if failed:
        print(f"\n{len(failed)} format(s) failed validation or conversion and were not written: {failed}", file=sys.stderr)
        return 1
    print(f"\nwrote {len(records)} model(s) with metadata to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
