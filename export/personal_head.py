"""The personal head as a TFLite file for the phone: ``personal_head.tflite`` (builtin ops, a few kB).

    python -m export.personal_head OUT_DIR [--window 512]

Signature ``serving_default``: ``leads_in`` (1, 12, W) — the window the reconstructor was given (zero rows: leads
not recorded) — ``model_leads`` (1, 12, W) — the reconstructor's output for it — and ``profile`` (1, 7, 18) — a
person's head weights (:attr:`ecgtf.personal.PersonalProfile.weights`, rows II, V1…V6) → ``leads`` (1, 12, W),
the same numbers as :func:`ecgtf.personal.personal_windows` (the recorded rows replace the model's, then
:func:`ecgtf.personal.apply_head`). One file serves every preset and every person: the profile is an input.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from ecgtf.backend import tf
from ecgtf.files import atomic_write, atomic_write_json
from ecgtf.leads import LEADS
from ecgtf.personal import CORRECTED, N_FEATURES, SHIFTS, TAPS
from export.tflite import check_builtin_only


class PersonalHead(tf.Module):
    """The head of :mod:`ecgtf.personal` as a TF graph of builtin-op-friendly operations."""

    def __init__(self, window: int = 512):
        super().__init__()
        self.window = int(window)

    @tf.function
    def serve(self, leads_in, model_leads, profile):
        recorded = tf.reduce_max(tf.abs(leads_in), axis=-1, keepdims=True) > 0.0
        known = tf.where(recorded, leads_in, model_leads)                                     # (1, 12, W)
        rows = [LEADS.index(n) for n in CORRECTED]
        own = tf.gather(known, rows, axis=1)                                                  # (1, 7, W)
        padded = tf.pad(own, [[0, 0], [0, 0], [TAPS, TAPS]])
        shifted = tf.stack([padded[:, :, TAPS - d:TAPS - d + self.window] for d in SHIFTS], 2)
        mixed = tf.matmul(profile[:, :, :12], known)                                          # (1, 7, W)
        taps = tf.reduce_sum(profile[:, :, 12:, None] * shifted, axis=2)                      # (1, 7, W)
        corrected = mixed + taps
        i, ii = known[:, 0], corrected[:, 0]
        out = [i, ii, ii - i, -(i + ii) / 2.0, i - ii / 2.0, ii - i / 2.0] + [corrected[:, j] for j in range(1, 7)]
        return {"leads": tf.stack(out, axis=1)}

    def concrete_function(self):
        w = self.window
        return self.serve.get_concrete_function(tf.TensorSpec([1, 12, w], tf.float32, name="leads_in"),
                                                tf.TensorSpec([1, 12, w], tf.float32, name="model_leads"),
                                                tf.TensorSpec([1, len(CORRECTED), N_FEATURES], tf.float32,
                                                              name="profile"))


def export_personal_head(out_dir, window: int = 512) -> Path:
    """Write ``personal_head.tflite`` and its metadata ``personal_head.json`` into ``out_dir``; returns the file."""
    head = PersonalHead(window)
    converter = tf.lite.TFLiteConverter.from_concrete_functions([head.concrete_function()], head)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    content = converter.convert()
    check_builtin_only(content)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "personal_head.tflite"
    atomic_write(path, lambda fh: fh.write(content), mode="wb")
    atomic_write_json(path.with_suffix(".json"), {
        "model": "personal_head", "file": path.name, "sha256": hashlib.sha256(content).hexdigest(),
        "size_bytes": len(content), "signature": "serving_default",
        "inputs": [{"name": "leads_in", "shape": [1, 12, window], "units": "mV", "lead_order": list(LEADS),
                    "meaning": "the window given to the reconstructor (zero rows: not recorded)"},
                   {"name": "model_leads", "shape": [1, 12, window], "units": "mV",
                    "meaning": "the reconstructor's output for that window"},
                   {"name": "profile", "shape": [1, len(CORRECTED), N_FEATURES], "rows": list(CORRECTED),
                    "meaning": "a person's head weights: one head of the profile file (heads[SET] for the input leads SET, "
                               "e.g. heads['I']), rows II, V1…V6; features: "
                               f"the 12 leads, then the lead shifted by d = {list(SHIFTS)} samples (x[t - d])"}],
        "outputs": [{"name": "leads", "shape": [1, 12, window], "units": "mV", "lead_order": list(LEADS)}]})
    return path


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m export.personal_head", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out", type=Path, help="folder for personal_head.tflite and personal_head.json")
    p.add_argument("--window", type=int, default=512, help="samples per model window (default 512)")
    args = p.parse_args(argv)
    if args.window < 2 * TAPS + 1:
        print(f"error: --window {args.window}: expected at least {2 * TAPS + 1} samples", file=sys.stderr)
        return 2
    print(f"wrote {export_personal_head(args.out, args.window)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
