"""EKGAN's int8 helpers.

Skip-range equalisation: make the EKGAN U-Net quantize well to int8 without changing its function.

In an int8 TFLite graph a CONCATENATION shares one scale between all of its inputs. In the
U-Net, each skip tensor is concatenated with a decoder tensor whose range can be 40× larger
(measured on the PTB-XL model: first encoder block max 0.27 vs decoder max 12.5), so the skip
would be quantized to a handful of levels (error ≈ 90 % of its std) and the int8 model loses most
of its accuracy. We multiply each skip by a constant ``s`` before the concatenation so that both
inputs span similar ranges, and divide the matching input-channel slice of the next transposed
convolution's kernel by ``s``. In float arithmetic the network computes the same function (up to
rounding); only the int8 ranges change.

Quantization-aware fine-tuning of the EKGAN inference generator with tensorflow-model-optimization.

The trained generator is wrapped with fake-quantization (``tfmot.quantization.keras``; the physics
head, a weight-free custom layer, stays float), then fine-tuned for ``steps`` steps with its
training losses — λ·L1 to the target plus the adversarial BCE against the run's (frozen)
discriminator — and converted with the float ranges learned during fine-tuning.
"""
from __future__ import annotations

import numpy as np

from ecgtf.backend import keras, tf
from ecgtf.kits.quantization import copy_weights, skip_scales
from ecgtf.progress import progress_bar
from ecgtf.trainer import recalibrate_batchnorm

from .model import adversarial_loss, l1
from .networks import PhysicsHead, build_inference_generator


def equalize_skip_ranges(generator: keras.Model, cfg, x_calibration: np.ndarray) -> tuple[keras.Model, list[float]]:
    """An equivalent inference generator with rescaled skips; returns (model, scales).

    ``x_calibration``: model-layout inputs (N, 16, 512, 1) used to measure the branch ranges.
    """
    n = len(cfg.decoder_filters)  # concatenations: dec1..dec{n-1} and out
    concat_layers = [f"ig_dec{i}_concat" for i in range(1, n)] + ["ig_out_concat"]
    consumers = [f"ig_dec{i}_deconv" for i in range(1, n)] + ["ig_out"]
    decoder_side = [f"ig_dec{i - 1}_relu" for i in range(1, n)] + [f"ig_dec{n - 1}_relu"]
    skip_side = [generator.get_layer(c).input[1].node.layer.name for c in concat_layers]
    scales = skip_scales(generator, decoder_side, skip_side, x_calibration)
    eq = build_inference_generator(cfg, skip_scales=scales)
    copy_weights(generator, eq)
    for consumer, concat, s in zip(consumers, concat_layers, scales):
        skip_channels = int(generator.get_layer(concat).input[1].shape[-1])
        kernel = eq.get_layer(consumer).kernel  # Conv2DTranspose: (kh, kw, out, in); skip = last channels
        k = kernel.numpy()
        k[..., -skip_channels:] /= s
        kernel.assign(k)
    return eq, scales


def _quantize(generator: keras.Model) -> keras.Model:
    import tensorflow_model_optimization as tfmot

    qk = tfmot.quantization.keras

    class NoOp(qk.QuantizeConfig):
        def get_weights_and_quantizers(self, layer):
            return []

        def get_activations_and_quantizers(self, layer):
            return []

        def set_quantize_weights(self, layer, quantize_weights):
            pass

        def set_quantize_activations(self, layer, quantize_activations):
            pass

        def get_output_quantizers(self, layer):
            return []

        def get_config(self):
            return {}

    def annotate(layer):
        if isinstance(layer, PhysicsHead):
            return qk.quantize_annotate_layer(layer, NoOp())
        return qk.quantize_annotate_layer(layer) if not isinstance(layer, keras.layers.InputLayer) else layer

    try:
        annotated = keras.models.clone_model(generator, clone_function=annotate)
        with qk.quantize_scope({"NoOp": NoOp, "PhysicsHead": PhysicsHead}):
            quantized = qk.quantize_apply(annotated)
    except Exception as exc:
        raise ValueError(f"tensorflow-model-optimization cannot wrap {generator.name} for QAT: {exc}") from exc
    # start from the trained float weights
    quantized.set_weights(_map_weights(generator, quantized))
    return quantized


def _map_weights(float_model, q_model):
    """The quantized model's weights, taking the float model's trained values where names and shapes match.

    ``quantize_apply`` keeps the wrapped layers' weight names (``ig_enc0_conv/kernel:0``) and adds
    its own range variables (``quant_…/kernel_min``), which keep their initial values.
    """
    trained = {w.name: w.numpy() for w in float_model.weights}
    return [trained[w.name] if w.name in trained and trained[w.name].shape == tuple(w.shape) else w.numpy()
            for w in q_model.weights]


def init_quantization_ranges(qgen: keras.Model, float_gen: keras.Model, x: np.ndarray, batch_size: int = 32) -> int:
    """Set every activation fake-quant range of ``qgen`` to the float model's observed range on ``x``.

    tfmot starts activation ranges at ±6 and moves them with a 0.999 moving average, so after a
    few hundred fine-tuning steps small activations (the first U-Net block's std is ≈0.02) are
    still quantized to zero. Weight ranges are set by one forward pass in training mode.
    Returns the number of ranges set.
    """
    import tensorflow_model_optimization as tfmot

    wrappers = {}
    for layer in qgen.layers:
        inner = getattr(layer, "layer", None)
        if isinstance(layer, tfmot.quantization.keras.QuantizeWrapperV2) and inner is not None:
            wrappers[inner.name] = layer
    names = [n for n in wrappers if n in {lay.name for lay in float_gen.layers}]
    probe = keras.Model(float_gen.input, [float_gen.get_layer(n).output for n in names])
    lo = np.full(len(names), np.inf)
    hi = np.full(len(names), -np.inf)
    in_lo, in_hi = float(np.min(x)), float(np.max(x))
    for i in range(0, len(x), batch_size):
        for k, out in enumerate(probe(x[i:i + batch_size], training=False)):
            out = out.numpy()
            lo[k], hi[k] = min(lo[k], out.min()), max(hi[k], out.max())
    count = 0
    for k, name in enumerate(names):
        for var in wrappers[name].weights:
            short = var.name.split("/")[-1].split(":")[0]
            if short in ("output_min", "post_activation_min"):
                var.assign(min(0.0, float(lo[k])))
                count += 1
            elif short in ("output_max", "post_activation_max"):
                var.assign(max(0.0, float(hi[k])))
                count += 1
    for var in qgen.weights:
        short = var.name.split("/")[-1].split(":")[0]
        if short == "quantize_layer_min":
            var.assign(min(0.0, in_lo))
        elif short == "quantize_layer_max":
            var.assign(max(0.0, in_hi))
    qgen(x[:batch_size], training=True)  # weight quantizers take their ranges from the weights
    return count


def qat_finetune(generator: keras.Model, x: np.ndarray, y: np.ndarray, discriminator: keras.Model | None = None,
                 steps: int = 200, lr: float = 1e-5, lambda_l1: float = 50.0, batch_size: int = 8,
                 seed: int = 0, progress: bool = True) -> tuple[keras.Model, list[float]]:
    """Fine-tune a fake-quantized copy of ``generator`` on (x, y) model-layout pairs; returns (model, losses)."""

    if steps < 1:
        raise ValueError(f"QAT needs steps >= 1, got {steps}")
    qgen = _quantize(generator)
    init_quantization_ranges(qgen, generator, x[:256])
    opt = keras.optimizers.Adam(lr, beta_1=0.5)

    @tf.function
    def step(xb, yb):
        with tf.GradientTape() as tape:
            out = qgen(xb, training=True)[0]
            loss = lambda_l1 * l1(yb, out)
            if discriminator is not None:
                loss += adversarial_loss(discriminator([xb, out], training=False), True)
        grads = tape.gradient(loss, qgen.trainable_variables)
        opt.apply_gradients(zip(grads, qgen.trainable_variables))
        return loss

    rng = np.random.default_rng(seed)
    losses = []
    for _ in progress_bar(range(steps), total=steps, desc="QAT fine-tuning", disable=not progress or None):
        idx = rng.integers(0, len(x), size=min(batch_size, len(x)))
        losses.append(float(step(tf.constant(x[idx]), tf.constant(y[idx]))))
    # Fine-tuning ran BatchNorm in training mode: re-estimate its statistics for the new weights
    # (as after training; see ecgtf.kits.gan.recalibrate_batchnorm).
    recalibrate_batchnorm(qgen, x)
    return qgen, losses
