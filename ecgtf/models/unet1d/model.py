"""Training model of the 1-D U-Net reconstructor: ``compile(optimizer, …)`` + ``train_step``, ``fit()``.

Batches are ``(windows (B, 12, W), is_mv (B,))`` straight from :func:`ecgtf.data.cache.mix_caches`.
Loss = L1(shape) over valid leads of every window + ``lambda_amp`` · L1(log gain) over valid leads
of millivolt windows only (z-unit windows carry no amplitude) + ``lambda_mv`` · L1 in mV / std_I
over millivolt windows.

Distillation (a ``teacher`` network, e.g. the shipped preset, frozen): ``lambda_truth`` scales the
losses above, and the student also matches the teacher's shape and log gain on *every* window
(``lambda_teacher``; z-unit and synthetic windows get amplitude targets this way) and the first
difference of the teacher's shape over time (``lambda_grad``: keeps the QRS slopes a small network
would otherwise smooth away).

Any-leads networks (``Unet1dConfig.any_leads``): every training window gets a random set of given leads
(:func:`random_present`: Lead I always; all six limb leads in 35 % of millivolt windows; no chest lead
in half of them, one random chest lead in 30 %, a random subset in 20 %, so a third of the windows are Lead I
only); z-unit windows (no amplitudes to give) are Lead I only. Losses count the leads that were *not* given.
Validation is Lead I only (the shipped use; best weights are chosen on it). A Lead I teacher is matched
on the Lead-I-only windows only.
"""
from __future__ import annotations

from ecgtf.backend import keras, tf
from ecgtf.kits.layers import apply_gradients, training_loss

from .networks import lead_i_inputs, takes_any_leads

LIMB_PROBABILITY, NO_CHEST, ONE_CHEST = 0.35, 0.5, 0.3
"""Given-lead sampling of any-leads training (see :func:`random_present`)."""


def random_present(is_mv):
    """(B,) bool → presence masks (B, 12) float32 for training (module docstring; Lead I always given)."""
    b = tf.shape(is_mv)[0]
    mv = tf.cast(is_mv, tf.float32)[:, None]
    limb = tf.cast(tf.random.uniform([b, 1]) < LIMB_PROBABILITY, tf.float32) * tf.ones([1, 5])
    u = tf.random.uniform([b, 1])
    one = tf.one_hot(tf.random.uniform([b], 0, 6, tf.int32), 6)
    subset = tf.cast(tf.random.uniform([b, 6]) < 0.5, tf.float32)
    chest = tf.where(u < NO_CHEST, tf.zeros([b, 6]), tf.where(u < NO_CHEST + ONE_CHEST, one, subset))
    return tf.concat([tf.ones([b, 1]), tf.concat([limb, chest], 1) * mv], 1)


def window_targets_tf(x, min_std: float):
    """TF twin of :func:`ecgtf.models.unet1d.preprocessing.window_targets`."""
    mean = tf.reduce_mean(x, axis=-1, keepdims=True)
    std = tf.math.reduce_std(x, axis=-1, keepdims=True)
    valid = tf.logical_and(std[..., 0] > min_std, std[:, :1, 0] > min_std)
    safe = tf.maximum(std, min_std)
    shape = tf.transpose((x - mean) / safe, [0, 2, 1])
    log_gain = tf.math.log(safe[..., 0] / safe[:, :1, 0])
    return x[:, 0], shape, log_gain, tf.cast(valid, tf.float32)


class Unet1dTrainer(keras.Model):
    """Wraps the reconstructor network for ``fit()``; metrics: loss, shape_l1, gain_l1, mv_l1."""

    def __init__(self, reconstructor: keras.Model, min_std_mv: float = 0.005, teacher: keras.Model | None = None,
                 **kw):
        super().__init__(**kw)
        self.reconstructor = reconstructor
        self.teacher = teacher
        if teacher is not None:
            teacher.trainable = False
        self.min_std = float(min_std_mv)
        self.any_leads = takes_any_leads(reconstructor)
        self.teacher_any_leads = teacher is not None and takes_any_leads(teacher)
        names = ("loss", "shape_l1", "gain_l1", "mv_l1") + (("kd_l1", "grad_l1") if teacher is not None else ())
        self.trackers = {k: keras.metrics.Mean(name=k) for k in names}

    def compile(self, optimizer, lambda_amp: float = 1.0, lambda_mv: float = 0.0, lambda_truth: float = 1.0,
                lambda_teacher: float = 1.0, lambda_grad: float = 0.0, **kw):
        super().compile(**kw)
        self.optimizer = optimizer
        self.lambda_amp, self.lambda_mv = float(lambda_amp), float(lambda_mv)
        self.lambda_truth, self.lambda_teacher, self.lambda_grad = (float(lambda_truth), float(lambda_teacher),
                                                                    float(lambda_grad))

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, lead_i, training=False):
        return self.reconstructor(lead_i, training=training)

    def _compute_losses(self, batch, training: bool):
        x, is_mv = batch
        x = tf.cast(x, tf.float32)
        lead_i, shape_t, gain_t, valid = window_targets_tf(x, self.min_std)
        inputs, present = lead_i, None
        if self.any_leads:
            present = random_present(is_mv) if training else lead_i_inputs(lead_i)[1]
            inputs = [x * present[..., None], present]
            valid = valid * (1.0 - present)
        out = self.reconstructor(inputs, training=training)
        mv = tf.cast(is_mv, tf.float32)[:, None] * valid
        shape_err = tf.reduce_mean(tf.abs(tf.cast(out["shape"], tf.float32) - shape_t), axis=1)  # (B, 12)
        shape_l1 = tf.reduce_sum(shape_err * valid) / tf.maximum(tf.reduce_sum(valid), 1.0)
        gain_l1 = tf.reduce_sum(tf.abs(out["log_gain"] - gain_t) * mv) / tf.maximum(tf.reduce_sum(mv), 1.0)
        std_i = tf.math.reduce_std(lead_i, axis=-1, keepdims=True)[..., None]
        mv_err = tf.reduce_mean(tf.abs(out["leads"] - x) / tf.maximum(std_i, self.min_std), axis=-1)
        mv_l1 = tf.reduce_sum(mv_err * mv) / tf.maximum(tf.reduce_sum(mv), 1.0)
        loss = shape_l1 + self.lambda_amp * gain_l1 + self.lambda_mv * mv_l1
        parts = {"shape_l1": shape_l1, "gain_l1": gain_l1, "mv_l1": mv_l1}
        if self.teacher is not None:
            kd_l1, grad_l1 = self._distillation_losses(lead_i, inputs, present, out)
            loss = self.lambda_truth * loss + self.lambda_teacher * kd_l1 + self.lambda_grad * grad_l1
            parts.update(kd_l1=kd_l1, grad_l1=grad_l1)
        return loss, {"loss": loss, **parts}

    def _distillation_losses(self, lead_i, inputs, present, out):
        """L1 to the teacher's shape (B, L, 12) and log gain (B, 12), and L1 of the shapes' first differences;
        a Lead I teacher of an any-leads student counts on the Lead-I-only windows only."""
        target = self.teacher(inputs if self.teacher_any_leads else lead_i, training=False)
        t_shape, t_gain = tf.stop_gradient(target["shape"]), tf.stop_gradient(target["log_gain"])
        shape = tf.cast(out["shape"], tf.float32)
        w = tf.ones_like(lead_i[:, 0])
        if present is not None and not self.teacher_any_leads:
            w = tf.cast(tf.reduce_sum(present, axis=1) == 1.0, tf.float32)
        norm = tf.maximum(tf.reduce_sum(w), 1.0)

        def mean(err):   # (B, …) → weighted mean over windows
            return tf.reduce_sum(tf.reduce_mean(tf.reshape(err, [tf.shape(err)[0], -1]), 1) * w) / norm
        kd_l1 = mean(tf.abs(shape - t_shape)) + mean(tf.abs(out["log_gain"] - t_gain))
        grad_l1 = mean(tf.abs((shape[:, 1:] - shape[:, :-1]) - (t_shape[:, 1:] - t_shape[:, :-1])))
        return kd_l1, grad_l1

    def train_step(self, batch):
        with tf.GradientTape() as tape:
            loss, parts = self._compute_losses(batch, training=True)
            scaled_loss = training_loss(loss, self.optimizer)
        apply_gradients(tape, scaled_loss, self.optimizer, self.reconstructor.trainable_variables)
        for k, v in parts.items():
            self.trackers[k].update_state(v)
        return {k: t.result() for k, t in self.trackers.items()}

    def test_step(self, batch):
        _, parts = self._compute_losses(batch, training=False)
        for k, v in parts.items():
            self.trackers[k].update_state(v)
        return {k: t.result() for k, t in self.trackers.items()}

    def checkpoint_objects(self) -> dict:
        return {"reconstructor": self.reconstructor, "optimizer": self.optimizer}

    def optimizer_pairs(self):
        """(optimizer, network) pairs whose slots must exist before a checkpoint restore."""
        return [(self.optimizer, self.reconstructor)]
