"""EKGAN's phone-facing signature: ``lead_i`` (1, 512) → ``leads`` (1, 12, 512), batch 1.

The input is Lead I after EKGAN preprocessing (see the exported metadata); the (16, 512, 1)
replication and zero padding happen inside the graph.
"""
from __future__ import annotations

import numpy as np

from ecgtf.backend import tf
from ecgtf.leads import LEADS
from ecgtf.models.ekgan.preprocessing import leads_from_model
from ecgtf.models.ekgan.trainer import load_split_data
from ecgtf.preprocessing.signal import bandpass_sos, resample_poly_filter


class EkganMobile(tf.Module):
    """Lead I (1, 512) → 12 leads (1, 12, 512) around an inference generator."""

    input_name, output_name = "lead_i", "leads"

    def __init__(self, generator, pad_rows: int = 2):
        super().__init__()
        self.generator = generator
        self.pad_rows = pad_rows
        self.length = int(generator.input_shape[2])

    @tf.function
    def _serve(self, lead_i):
        x = tf.reshape(lead_i, [1, 1, self.length, 1])
        x = tf.tile(x, [1, 12, 1, 1])
        x = tf.pad(x, [[0, 0], [self.pad_rows, self.pad_rows], [0, 0], [0, 0]])
        y = self.generator(x, training=False)[0]
        return {"leads": tf.reshape(y[:, self.pad_rows:self.pad_rows + 12, :, 0], [1, 12, self.length])}

    def concrete_function(self):
        return self._serve.get_concrete_function(tf.TensorSpec([1, self.length], tf.float32, name="lead_i"))

    def __call__(self, lead_i: np.ndarray) -> np.ndarray:
        return self._serve(tf.constant(lead_i, tf.float32))["leads"].numpy()


def export_data(run, generator, n_validate: int, n_calibration: int) -> dict:
    """Held-out Lead I windows and truth (test split), calibration windows and training pairs."""

    pre = run.preprocessing
    data = load_split_data(run, progress=False)
    x, y = data["test"][:2]
    xt, yt = data["train"][:2]
    return {"inputs": leads_from_model(x[:n_validate], pre)[:, 0], "truth": leads_from_model(y[:n_validate], pre),
            "calibration": leads_from_model(xt[:n_calibration], pre)[:, 0], "train_pairs": (xt, yt),
            "windows": "test split"}


def module_for_format(run, generator, fmt: str, data: dict, qat_steps: int = 200, qat_lr: float = 1e-5):
    """int8: skip-range equalisation first (same float function); qat: quantization-aware fine-tuning."""
    pre = run.preprocessing
    if fmt == "int8":
        from .quantization import equalize_skip_ranges

        eq_gen, scales = equalize_skip_ranges(generator, run.architecture,
                                              data["train_pairs"][0][:len(data["calibration"])])
        return EkganMobile(eq_gen, pre.pad_rows), {"equalization": {
            "skip_scales": scales, "note": "skip-range equalisation (ecgtf/models/ekgan/quantization.py); same float function"}}
    if fmt == "qat":
        from .quantization import qat_finetune

        disc = None
        path = run.weights_path("discriminator")
        if run.variant not in ("pix2pix", "no-discriminator") and path.exists():
            from ecgtf.models.ekgan.networks import build_discriminator

            disc = build_discriminator(run.architecture)
            disc.load_weights(str(path))
        qgen, losses = qat_finetune(generator, *data["train_pairs"], discriminator=disc, steps=qat_steps, lr=qat_lr)
        return EkganMobile(qgen, pre.pad_rows), {"qat": {"steps": qat_steps, "lr": qat_lr, "loss_first": losses[0],
                                                         "loss_last": losses[-1], "discriminator": disc is not None}}
    return EkganMobile(generator, pre.pad_rows), {}


def export_metadata(run, module=None) -> dict:
    """What a phone needs to feed and read the model: the exact preprocessing, rates, units, lead order."""
    import scipy


    p = run.preprocessing
    return {
        "variant": run.variant,
        "architecture": {"width": run.architecture.width, "physics_head": run.architecture.physics_head},
        "input_spec": {
            "name": "lead_i", "description": "Lead I after ecgtf's EKGAN preprocessing",
            "samples": p.n_out, "sampling_rate_hz": p.fs_out, "duration_s": p.n_out / p.fs_out,
            "raw_sampling_rate_hz": p.fs,
            "preprocessing": [f"resample the recording to {p.fs:g} Hz", f"drop the first {p.drop_s:g} s",
                              f"keep {p.n_keep} samples ({p.n_keep / p.fs:g} s)",
                              "min-max to [-1, 1]" if p.normalization == "per_lead" else f"divide by {p.fixed_scale_mv} mV",
                              f"band-pass {p.band_hz[0]}-{p.band_hz[1]} Hz: sosfiltfilt with bandpass_sos (odd padding, "
                              "scipy defaults)", f"downsample by {p.downsample_factor}: resample_poly(x, 1, "
                              f"{p.downsample_factor}) with downsample_fir"],
            "normalization": p.normalization,
            "fixed_scale_mv": p.fixed_scale_mv if p.normalization == "fixed" else None,
            "bandpass_sos": bandpass_sos(p.band_hz[0], p.band_hz[1], p.fs, p.filter_order).tolist(),
            "downsample_fir": resample_poly_filter(1, p.downsample_factor).tolist(),
            "scipy_version": scipy.__version__},
        "output_spec": {
            "name": "leads", "shape": [1, 12, p.n_out], "lead_order": list(LEADS), "sampling_rate_hz": p.fs_out,
            "units": ("normalised per lead: each lead's amplitude is only known up to its own scale (per-lead "
                      "min-max training targets)") if p.normalization == "per_lead"
            else f"multiply by {p.fixed_scale_mv} to get mV"},
    }


def mobile_module(run, generator) -> EkganMobile:
    return EkganMobile(generator, run.preprocessing.pad_rows)
