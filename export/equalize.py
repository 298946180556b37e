"""Skip-range equalisation: make the EKGAN U-Net quantize well to int8 without changing its function.

In an int8 TFLite graph a CONCATENATION shares one scale between all of its inputs. In the
U-Net, each skip tensor is concatenated with a decoder tensor whose range can be 40× larger
(measured on the PTB-XL model: first encoder block max 0.27 vs decoder max 12.5), so the skip
would be quantized to a handful of levels (error ≈ 90 % of its std) and the int8 model loses most
of its accuracy. We multiply each skip by a constant ``s`` before the concatenation so that both
inputs span similar ranges, and divide the matching input-channel slice of the next transposed
convolution's kernel by ``s``. In float arithmetic the network computes the same function (up to
rounding); only the int8 ranges change.
"""
from __future__ import annotations

import numpy as np

from ecgtf.backend import keras


def _branch_max(generator, names, x, batch_size=32):
    sub = keras.Model(generator.input, [generator.get_layer(n).output for n in names])
    maxima = np.zeros(len(names))
    for i in range(0, len(x), batch_size):
        outs = sub(x[i:i + batch_size], training=False)
        maxima = np.maximum(maxima, [float(np.max(np.abs(o))) for o in outs])
    return maxima


def equalize_skip_ranges(generator: keras.Model, cfg, x_calibration: np.ndarray) -> tuple[keras.Model, list[float]]:
    """An equivalent inference generator with rescaled skips; returns (model, scales).

    ``x_calibration``: model-layout inputs (N, 16, 512, 1) used to measure the branch ranges.
    """
    from ecgtf.models.ekgan import build_inference_generator

    n = len(cfg.decoder_filters)  # concatenations: dec1..dec{n-1} and out
    concat_layers = [f"ig_dec{i}_concat" for i in range(1, n)] + ["ig_out_concat"]
    consumers = [f"ig_dec{i}_deconv" for i in range(1, n)] + ["ig_out"]
    decoder_side = [f"ig_dec{i - 1}_relu" for i in range(1, n)] + [f"ig_dec{n - 1}_relu"]
    skip_side = [generator.get_layer(c).input[1].node.layer.name for c in concat_layers]
    dec_max = _branch_max(generator, decoder_side, x_calibration)
    skip_max = _branch_max(generator, skip_side, x_calibration)
    scales = [float(d / s) if s > 0 else 1.0 for d, s in zip(dec_max, skip_max)]
    eq = build_inference_generator(cfg, skip_scales=scales)
    for layer in generator.layers:
        if layer.weights:
            eq.get_layer(layer.name).set_weights(layer.get_weights())
    for consumer, concat, s in zip(consumers, concat_layers, scales):
        skip_channels = int(generator.get_layer(concat).input[1].shape[-1])
        kernel = eq.get_layer(consumer).kernel  # Conv2DTranspose: (kh, kw, out, in); skip = last channels
        k = kernel.numpy()
        k[..., -skip_channels:] /= s
        kernel.assign(k)
    return eq, scales


def equalize_unet1d_skips(network: keras.Model, cfg, lead_i_calibration: np.ndarray) -> tuple[keras.Model, list[float]]:
    """The same for the 1-D U-Net reconstructor: skip ``enc{l}`` meets the transposed convolution ``up{l}``
    in ``skip{l}``; the first convolution of ``dec{l}`` reads the skip as its last input channels."""
    from ecgtf.models.unet1d.networks import build_reconstructor

    levels = len(cfg.filters) - 1
    up = [f"up{level}" for level in range(levels)]
    skip = [f"enc{level}_relu{cfg.convs_per_block - 1}" for level in range(levels)]
    up_max = _branch_max(network, up, lead_i_calibration)
    skip_max = _branch_max(network, skip, lead_i_calibration)
    scales = [float(u / s) if s > 0 else 1.0 for u, s in zip(up_max, skip_max)]
    eq = build_reconstructor(cfg, skip_scales=scales)
    for layer in network.layers:
        if layer.weights:
            eq.get_layer(layer.name).set_weights(layer.get_weights())
    for level, s in enumerate(scales):
        skip_channels = int(network.get_layer(f"skip{level}").input[1].shape[-1])
        kernel = eq.get_layer(f"dec{level}_conv0").kernel  # Conv1D: (k, in, out); skip = last input channels
        k = kernel.numpy()
        k[:, -skip_channels:, :] /= s
        kernel.assign(k)
    return eq, scales
