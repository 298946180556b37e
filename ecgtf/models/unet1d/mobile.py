"""The 1-D U-Net reconstructor's phone-facing signature: ``lead_i`` (1, 512) mV → ``leads`` (1, 12, 512) mV.

The input is Lead I band-passed 0.5–40 Hz and resampled to 100 Hz (see the exported metadata);
the per-window normalisation and the amplitude head are inside the graph, so the output is mV.

An any-leads network exports ``leads_in`` (1, 12, 512) mV → ``leads`` (1, 12, 512) mV: every recorded lead in
canonical order (I, II, III, aVR, aVL, aVF, V1…V6), prepared like Lead I, and a row of zeros for each lead
that was not recorded; the presence mask is computed inside the graph (builtin ops), so one input serves
every subset and Lead I alone is ``[lead I, 0, …, 0]``.
"""
from __future__ import annotations

import numpy as np

from ecgtf.backend import keras, tf
from ecgtf.data.synthetic import generate_dataset
from ecgtf.kits.quantization import copy_weights, skip_scales
from ecgtf.leads import LEADS
from ecgtf.models.unet1d.preprocessing import prepare_lead
from ecgtf.preprocessing.signal import bandpass_sos

from .inference import present_mask
from .networks import build_reconstructor, takes_any_leads


class Unet1dMobile(tf.Module):
    """Lead I window (1, 512) mV → 12 leads (1, 12, 512) mV around a reconstructor network."""

    input_name, output_name = "lead_i", "leads"
    float_tensors = ("standardize/", "amp_", "log_gain/", "gain/", "leads/", "shape_out/", "mean_",
                     "StatefulPartitionedCall", "enc0_", "dec0_", "present_mask", "own_scaled", "lead_mix", "shape_mixed",
                     "ridge_blend")
    """int8 export keeps these ops in float32 (substrings of their output tensors' names): the per-window
    normalisation, the amplitude head, the output projection, the mV scaling and the first encoder block
    (the full-rate convolutions reading the normalised input). Measured on one full network: all-int8
    34 % of the output's std vs Keras; float normalisation/amplitude head/output 3.7 %; + first block
    2.4 % at 1.36 ms vs 1.23 ms (float32 8.7 ms); the first and last levels both in float 2.0 % at 1.50 ms. Any-leads
    networks with a lead mix keep that linear path (given leads → shapes) in float too: a Lite trained with it from
    scratch measured 7.7 % with it in int8. A ridge blend (:class:`.networks.RidgeBlend`, 12 k weights) stays float."""

    def __init__(self, network):
        super().__init__()
        self.generator = network
        self.any_leads = takes_any_leads(network)
        self.input_name = "leads_in" if self.any_leads else "lead_i"
        self.length = int(network.input[0].shape[-1] if self.any_leads else network.input_shape[-1])
        self.input_shape = [1, 12, self.length] if self.any_leads else [1, self.length]

    @tf.function
    def _serve(self, x):
        if self.any_leads:
            with tf.name_scope("present_mask"):
                present = present_mask(x)
            x = [x, present]
        return {"leads": self.generator(x, training=False)["leads"]}

    def concrete_function(self):
        return self._serve.get_concrete_function(tf.TensorSpec(self.input_shape, tf.float32, name=self.input_name))

    def __call__(self, lead_i: np.ndarray) -> np.ndarray:
        return self._serve(tf.constant(lead_i, tf.float32))["leads"].numpy()


def export_data(run, generator, n_validate: int, n_calibration: int) -> dict:
    """Held-out PTB-XL test windows (Lead I in, 12 leads truth, mV) and training windows for calibration;
    without the training data (a shipped preset on a user's machine): synthetic 12-lead windows."""
    try:
        splits = run.splits()
        test, train = splits["test"], splits["train"]
        what = "PTB-XL test fold, band-passed 0.5-40 Hz, 100 Hz, mV"
    except FileNotFoundError:
        windows = synthetic_windows(run.preprocessing, n_validate + n_calibration)
        test, train = windows[:n_validate], windows[n_validate:]
        what = "synthetic 12-lead windows (ecgtf dipole generator), band-passed 0.5-40 Hz, 100 Hz, mV"
    if takes_any_leads(generator):   # any leads: each window with its own random set of recorded leads
        rng = np.random.default_rng(0)
        inputs, calibration = (given_leads(w, rng) for w in (test[:n_validate], train[:n_calibration]))
        what += "; recorded leads drawn at random per window (Lead I always; zeros elsewhere)"
    else:
        inputs, calibration = test[:n_validate, 0], train[:n_calibration, 0]
    return {"inputs": inputs, "truth": test[:n_validate], "calibration": calibration, "windows": what}


def given_leads(windows: np.ndarray, rng) -> np.ndarray:
    """(B, 12, L) → the same with rows zeroed as if not recorded: Lead I always; a third Lead I alone, a third the
    six limb leads, a third Lead I (or the limb leads) with one or more chest leads."""
    out = np.zeros_like(windows)
    for k, w in enumerate(windows):
        kind = k % 3
        keep = [0] if kind == 0 or (kind == 2 and rng.random() < 0.5) else list(range(6))
        if kind == 2:
            keep += sorted(rng.choice(np.arange(6, 12), size=int(rng.integers(1, 4)), replace=False).tolist())
        out[k, keep] = w[keep]
    return out


def synthetic_windows(pre, n: int, seed: int = 0) -> np.ndarray:
    """``n`` windows (n, 12, window) in mV from ecgtf's synthetic generator, preprocessed like training data."""

    records = int(np.ceil(n / 2))
    signals, _, _ = generate_dataset(records, seed=seed, progress=False)
    out = []
    for s in signals:
        x = prepare_lead(s, 500.0, pre)
        out += [x[:, :pre.window], x[:, -pre.window:]]
    return np.stack(out[:n]).astype(np.float32)


def module_for_format(run, generator, fmt: str, data: dict, **_):
    """int8: skip-range equalisation first (:func:`equalize_unet1d_skips`, same float function)."""
    if fmt == "int8" and run.architecture.members == 1:
        eq, scales = equalize_unet1d_skips(generator, run.architecture, data["calibration"])
        return Unet1dMobile(eq), {"equalization": {"skip_scales": scales,
                                                   "note": "skip-range equalisation; same float function"}}
    return Unet1dMobile(generator), {}


def export_metadata(run, module=None) -> dict:
    import scipy


    p = run.preprocessing
    return {
        "architecture": run.raw["architecture"],
        "input_spec": {
            "name": module.input_name if module is not None else "lead_i",
            "shape": module.input_shape if module is not None else [1, p.window], "sampling_rate_hz": p.fs,
            "duration_s": p.window_s, "units": "mV",
            **({"lead_order": list(LEADS), "not_recorded": "a row of zeros (Lead I, row 0, always recorded)"}
               if module is not None and module.any_leads else {}),
            "preprocessing": [f"band-pass {p.band_hz[0]}-{p.band_hz[1]} Hz at the recording's own rate: Butterworth "
                              f"order {p.filter_order} per edge, sosfiltfilt (odd padding, scipy defaults)",
                              f"resample to {p.fs:g} Hz with resample_poly (Kaiser beta 5 FIR)",
                              f"windows of {p.window} samples every {p.hop}, stitched with weights "
                              "sin^2(pi (n + 1/2) / window)"],
            "bandpass_sos_at_500hz": bandpass_sos(p.band_hz[0], p.band_hz[1], 500.0, p.filter_order).tolist(),
            "scipy_version": scipy.__version__},
        "output_spec": {"name": "leads", "shape": [1, 12, p.window], "lead_order": list(LEADS),
                        "sampling_rate_hz": p.fs, "units": "mV (amplitude predicted by the model, no oracle)"},
    }


def equalize_unet1d_skips(network: keras.Model, cfg, calibration: np.ndarray) -> tuple[keras.Model, list[float]]:
    """Skip-range equalisation (as EKGAN's, :func:`ecgtf.models.ekgan.quantization.equalize_skip_ranges`) for the
    1-D U-Net reconstructor: skip ``enc{l}`` meets the transposed convolution ``up{l}``
    in ``skip{l}``; the first convolution of ``dec{l}`` reads the skip as its last input channels. ``calibration``:
    Lead I windows (B, L), or (B, 12, L) model windows of an any-leads network."""
    if cfg.any_leads:
        calibration = [calibration, present_mask(tf.constant(calibration, tf.float32)).numpy()]
    levels = len(cfg.filters) - 1
    up = [f"up{level}" for level in range(levels)]
    skip = [f"enc{level}_relu{cfg.convs_per_block - 1}" for level in range(levels)]
    scales = skip_scales(network, up, skip, calibration)
    eq = build_reconstructor(cfg, skip_scales=scales)
    copy_weights(network, eq)
    for level, s in enumerate(scales):
        skip_channels = int(network.get_layer(f"skip{level}").input[1].shape[-1])
        kernel = eq.get_layer(f"dec{level}_conv0").kernel  # Conv1D: (k, in, out); skip = last input channels
        k = kernel.numpy()
        k[:, -skip_channels:, :] /= s
        kernel.assign(k)
    return eq, scales


def mobile_module(run, generator) -> Unet1dMobile:
    return Unet1dMobile(generator)
