"""The 1-D U-Net reconstructor's phone-facing signature: ``lead_i`` (1, 512) mV → ``leads`` (1, 12, 512) mV.

The input is Lead I band-passed 0.5–40 Hz and resampled to 100 Hz (see the exported metadata);
the per-window normalisation and the amplitude head are inside the graph, so the output is mV.
"""
from __future__ import annotations

import numpy as np

from ecgtf.backend import keras, tf
from ecgtf.data.synthetic import generate_dataset
from ecgtf.kits.quantization import copy_weights, skip_scales
from ecgtf.leads import LEADS
from ecgtf.models.unet1d.preprocessing import prepare_lead
from ecgtf.preprocessing.signal import bandpass_sos

from .networks import build_reconstructor


class Unet1dMobile(tf.Module):
    """Lead I window (1, 512) mV → 12 leads (1, 12, 512) mV around a reconstructor network."""

    input_name, output_name = "lead_i", "leads"
    float_tensors = ("standardize/", "amp_", "log_gain/", "gain/", "leads/", "shape_out/", "mean_",
                     "StatefulPartitionedCall", "enc0_")
    """int8 export keeps these ops in float32 (substrings of their output tensors' names): the per-window
    normalisation, the amplitude head, the output projection, the mV scaling and the first encoder block
    (the full-rate convolutions reading the normalised input). Measured on one full network: all-int8
    34 % of the output's std vs Keras; float normalisation/amplitude head/output 3.7 %; + first block
    2.4 % at 1.36 ms vs 1.23 ms (float32 8.7 ms); the first and last levels both in float 2.0 % at 1.50 ms."""

    def __init__(self, network):
        super().__init__()
        self.generator = network
        self.length = int(network.input_shape[-1])

    @tf.function
    def _serve(self, lead_i):
        return {"leads": self.generator(lead_i, training=False)["leads"]}

    def concrete_function(self):
        return self._serve.get_concrete_function(tf.TensorSpec([1, self.length], tf.float32, name="lead_i"))

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
    return {"inputs": test[:n_validate, 0], "truth": test[:n_validate], "calibration": train[:n_calibration, 0],
            "windows": what}


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
            "name": "lead_i", "shape": [1, p.window], "sampling_rate_hz": p.fs, "duration_s": p.window_s,
            "units": "mV",
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


def equalize_unet1d_skips(network: keras.Model, cfg, lead_i_calibration: np.ndarray) -> tuple[keras.Model, list[float]]:
    """Skip-range equalisation (as EKGAN's, :func:`ecgtf.models.ekgan.quantization.equalize_skip_ranges`) for the
    1-D U-Net reconstructor: skip ``enc{l}`` meets the transposed convolution ``up{l}``
    in ``skip{l}``; the first convolution of ``dec{l}`` reads the skip as its last input channels."""
    levels = len(cfg.filters) - 1
    up = [f"up{level}" for level in range(levels)]
    skip = [f"enc{level}_relu{cfg.convs_per_block - 1}" for level in range(levels)]
    scales = skip_scales(network, up, skip, lead_i_calibration)
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
