"""Building blocks shared by ecgtf's Keras models."""
from __future__ import annotations

from ecgtf.backend import keras, tf


def normal_init(std: float = 0.02, seed: int | None = None):
    """N(0, std) kernel initialiser, as in the original EKGAN/Pix2Pix code."""
    return keras.initializers.RandomNormal(0.0, std, seed=seed)


def scaled(filters: int, width: float) -> int:
    """Filters scaled by a width multiplier (at least 1)."""
    return max(1, int(round(filters * width)))


def float32_output(x, name: str):
    """Identity that casts to float32 (keeps model outputs float32 under mixed precision)."""
    if keras.mixed_precision.global_policy().compute_dtype != "float32":
        return keras.layers.Activation("linear", dtype="float32", name=name + "_f32")(x)
    return x


def training_loss(loss, optimizer):
    """The loss to differentiate, computed inside the tape.

    Divides the per-replica mean by the number of replicas (gradients are summed across replicas
    under ``tf.distribute``) and applies mixed-precision loss scaling when ``optimizer`` is a
    ``LossScaleOptimizer``.
    """
    loss = loss / tf.cast(tf.distribute.get_strategy().num_replicas_in_sync, loss.dtype)
    if isinstance(optimizer, keras.mixed_precision.LossScaleOptimizer):
        loss = optimizer.get_scaled_loss(loss)
    return loss


def apply_gradients(tape, loss, optimizer, variables):
    """One optimizer step on the gradients of ``loss`` (from :func:`training_loss`), unscaling if needed."""
    grads = tape.gradient(loss, variables)
    if isinstance(optimizer, keras.mixed_precision.LossScaleOptimizer):
        grads = optimizer.get_unscaled_gradients(grads)
    optimizer.apply_gradients(zip(grads, variables))
