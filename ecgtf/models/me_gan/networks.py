"""ME-GAN (Chen et al., "ME-GAN: Learning panoptic electrocardio representations for multi-view ECG
synthesis conditioned on heart diseases", ICML 2022, PMLR 162:3360–3370), in Keras 2.

Shapes: noise z (N, z_dim) N(0, 1); condition c (N, 3) multi-hot (LAD, RAD, RBBB); beats (N, 12, 512)
in [0, 1], views in ecgtf's lead order (I, II, III, aVR, aVL, aVF, V1–V6).

Generator, two stages:
1. a ladder that turns z into the "panoptic electrocardio representation" (N, 128, rep_channels):
   ``Dense`` → (8, C) then four levels of conv blocks (linear ×2 up-sample, Conv1D, BatchNorm, ReLU),
   8 → 16 → 32 → 64 → 128 samples. A condition path (``Dense`` embedding of c, then its own conv
   blocks) runs beside it, and two 4-layer MLPs turn z and c into z′ and c′, fed to every level's
   **MixupNorm** (paper Eqs. 1–4, :class:`MixupNorm`);
2. the Nef-Net decoder (Chen et al., IJCAI 2021) projects the representation onto each view (θ, φ):
   the angles are encoded as [θ, φ, θ+φ, θ−φ] with their sin/cos, an MLP maps them to a channel
   gate that multiplies the representation, and a shallow decoder (linear up-sample, double conv,
   twice; conv to 1 channel; sigmoid(x/3)) gives the 512-sample view.
Major discriminator: three conv blocks (Conv1D stride 2, InstanceNorm, LeakyReLU 0.2) over the 12
views as channels; an LSGAN real/fake head and an auxiliary condition classifier (ACGAN).
View discriminator: :func:`build_view_discriminator` (shared per-view network over a random crop with
positional encoding; predicts each view's (cos θ, cos φ/2)).

Ablations (paper Table 4) are config switches: ``normalization="self_modulation"`` (α, β from [z′, c′]
for the whole length instead of MixupNorm), ``view_weight=0`` (no view discriminator),
``aux_weight=0`` (no auxiliary classifier). ``variant="cdcgan"`` is the conditional DCGAN baseline.

What the text available here does not give (layer widths, kernel sizes, MLP width, the crop length,
loss weights) is ours, taken from the authors' Nef-Net code where it exists (decoder widths 128/64,
representation 256 channels at 1/4 of the length, angle encoding of order 1) and saved with every run.

One file, over 300 lines on purpose: ME-GAN's generator, discriminators and their custom layers are one architecture.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecgtf.backend import keras, tf
from ecgtf.leads import LEADS

L = keras.layers

VIEW_ANGLES = {  # (θ, φ) radians; the Electrocardio Panorama / ME-GAN view coordinates of the 12 leads
    "I": (np.pi / 2, np.pi / 2), "II": (np.pi * 5 / 6, np.pi / 2), "III": (np.pi * 5 / 6, -np.pi / 2),
    "AVR": (np.pi / 3, -np.pi / 2), "AVL": (np.pi / 3, np.pi / 2), "AVF": (np.pi, np.pi / 2),
    "V1": (np.pi / 2, -np.pi / 18), "V2": (np.pi / 2, np.pi / 18), "V3": (np.pi * 19 / 36, np.pi / 12),
    "V4": (np.pi * 11 / 20, np.pi / 6), "V5": (np.pi * 16 / 30, np.pi / 3), "V6": (np.pi * 16 / 30, np.pi / 2),
}


def view_angles() -> np.ndarray:
    """(12, 2) (θ, φ) of the views in ecgtf's lead order."""
    return np.array([VIEW_ANGLES[name.upper()] for name in LEADS], np.float32)


def view_targets() -> np.ndarray:
    """(12, 2) what the view discriminator predicts per view: (cos θ, cos(φ′/2)) with φ′ = φ mod 2π in
    [0, 2π) (so that views mirrored in φ, such as aVR and aVL, get different targets); all in [−1, 1]."""
    a = view_angles().astype(np.float64)
    return np.stack([np.cos(a[:, 0]), np.cos(np.mod(a[:, 1], 2 * np.pi) / 2)], axis=1).astype(np.float32)


def encode_angles(angles: np.ndarray, order: int = 1) -> np.ndarray:
    """Nef-Net's angle encoding: [θ, φ, θ+φ, θ−φ] and their sin/cos at frequencies 2^0 … 2^(order−1)
    → (…, 4 · (2·order + 1))."""
    a = np.asarray(angles, np.float64)
    base = np.concatenate([a, a[..., :1] + a[..., 1:], a[..., :1] - a[..., 1:]], axis=-1)
    parts = [base]
    for i in range(order):
        parts += [np.sin(base * 2 ** i), np.cos(base * 2 ** i)]
    return np.stack(parts, axis=-1).reshape(*a.shape[:-1], -1).astype(np.float32)


@dataclass(frozen=True)
class MeganConfig:
    """ME-GAN architecture and losses (paper values where the text gives them; see module docstring)."""

    variant: str = "me_gan"
    length: int = 512
    n_views: int = 12
    n_conditions: int = 3
    z_dim: int = 128
    base_length: int = 8
    level_channels: tuple = (256, 256, 256, 256)
    condition_channels: tuple = (64, 64, 64, 64)
    mlp_units: int = 256
    mlp_layers: int = 4
    attention_channels: int = 32
    mixup_units: int = 128
    rep_channels: int = 256
    decoder_channels: tuple = (128, 64)
    angle_order: int = 1
    output_temperature: float = 3.0
    """The view's output is sigmoid(x / output_temperature) (Nef-Net: 3)."""
    kernel: int = 5
    normalization: str = "mixup"
    """``mixup`` (MixupNorm, the paper) or ``self_modulation`` (the Table 4 ablation)."""
    disc_channels: tuple = (64, 128, 256)
    disc_kernel: int = 7
    view_crop: int = 256
    """Length l < L of the random crop the view discriminator sees."""
    view_channels: tuple = (32, 64, 64)
    aux_weight: float = 1.0
    view_weight: float = 1.0
    lsgan_a: float = 1.0
    """LSGAN target for real (a = 1, b = 0 for fake; the generator aims at a)."""

    def __post_init__(self):
        if self.variant not in VARIANTS:
            raise ValueError(f"variant {self.variant!r}: expected one of {sorted(VARIANTS)}")
        if self.normalization not in ("mixup", "self_modulation"):
            raise ValueError(f"normalization {self.normalization!r}: expected 'mixup' or 'self_modulation'")
        levels = len(self.level_channels)
        if self.variant == "me_gan" and self.base_length * 2 ** levels * 4 != self.length:
            raise ValueError(f"base_length {self.base_length} × 2^{levels} levels × 4 (decoder) must equal "
                             f"length {self.length}")
        if len(self.condition_channels) != levels:
            raise ValueError("condition_channels needs one entry per level of level_channels")
        if not 0 < self.view_crop <= self.length:
            raise ValueError(f"view_crop {self.view_crop} must be in (0, {self.length}]")


def widths(n: int) -> dict:
    """Config fields for a narrower (or wider) ME-GAN: ladder and representation ``n`` channels, decoder
    n/2 and n/4, MLPs n, condition path min(64, n/2), attention min(32, n), MixupNorm units min(128, n).
    ``widths(128)`` is the CPU-sized model of the bench (``--small``)."""
    if n < 4:
        raise ValueError(f"width {n} is too small (at least 4 channels)")
    return {"level_channels": (n,) * 4, "rep_channels": n, "decoder_channels": (n // 2, n // 4), "mlp_units": n,
            "condition_channels": (min(64, n // 2),) * 4, "attention_channels": min(32, n),
            "mixup_units": min(128, n)}


VARIANTS = {"me_gan": {}, "cdcgan": {"view_weight": 0.0}, "bilstm_cnn": {"view_weight": 0.0}}
"""``me_gan`` (the paper); baselines with the same major discriminator and no view discriminator:
``cdcgan`` (conditional DCGAN: noise ⊕ condition → Dense → transposed-conv stack → 12 views) and
``bilstm_cnn`` (the BiLSTM-CNN GAN of Zhu et al. 2019 adapted to 12 views: noise ⊕ condition → Dense →
128 steps → two BiLSTM layers → linear ×4 up-sampling → Conv1D to 12 views)."""

ABLATIONS = {"no_view_discriminator": {"view_weight": 0.0}, "self_modulation": {"normalization": "self_modulation"},
             "no_aux_classifier": {"aux_weight": 0.0}}
"""The paper's Table 4 rows as config changes."""


class LinearUpsample1D(L.Layer):
    """×2 linear up-sampling along time (PyTorch ``Upsample(mode="linear", align_corners=False)``):
    out[2i] = ¾ x[i] + ¼ x[i−1], out[2i+1] = ¾ x[i] + ¼ x[i+1], edges repeated. Builtin TFLite ops only."""

    def call(self, x):
        prev = tf.concat([x[:, :1], x[:, :-1]], axis=1)
        nxt = tf.concat([x[:, 1:], x[:, -1:]], axis=1)
        even, odd = 0.75 * x + 0.25 * prev, 0.75 * x + 0.25 * nxt
        shape = tf.shape(x)
        return tf.reshape(tf.stack([even, odd], axis=2), [shape[0], 2 * shape[1], x.shape[-1]])

    def compute_output_shape(self, input_shape):
        n = None if input_shape[1] is None else 2 * input_shape[1]
        return (input_shape[0], n, input_shape[2])


class InstanceNorm1D(L.Layer):
    """Instance normalisation over time per sample and channel, with learned scale and shift."""

    def __init__(self, epsilon: float = 1e-5, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def build(self, input_shape):
        c = input_shape[-1]
        self.gamma = self.add_weight(name="gamma", shape=(c,), initializer="ones")
        self.beta = self.add_weight(name="beta", shape=(c,), initializer="zeros")

    def call(self, x):
        mean, var = tf.nn.moments(x, axes=[1], keepdims=True)
        return self.gamma * (x - mean) * tf.math.rsqrt(var + self.epsilon) + self.beta

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


class MixupNorm(L.Layer):
    """MixupNorm (paper Eqs. 1–4) for one level: inputs ``[z_i (N, T, C), c_i (N, T, Cc), z′ (N, D), c′ (N, D)]``.

    a_i = sigmoid(Conv(ReLU(BN(Conv([z_i, c_i]))))) (N, T, 1) — where along the beat the disease shows;
    z_i* = z′ᵀU_i, c_i* = ReLU(c′V_i + b_i)ᵀW_i (N, H); h_i* = a_i c_i* + (1 − a_i) z_i* (N, T, H);
    α_i, β_i = channel-wise FC of h_i* (N, T, C); z̃_i = α_i ⊙ (z_i − μ)/σ + β_i, μ and σ over the
    length of each sample and channel (length-wise normalisation).
    With ``mode="self_modulation"`` (ablation): α, β = FC([z′, c′]) (N, 1, C), the same along the length.
    """

    def __init__(self, channels: int, units: int = 128, attention_channels: int = 32, kernel: int = 5,
                 mode: str = "mixup", epsilon: float = 1e-5, **kwargs):
        super().__init__(**kwargs)
        self.channels, self.units, self.attention_channels = channels, units, attention_channels
        self.kernel, self.mode, self.epsilon = kernel, mode, epsilon
        if mode == "mixup":
            self.att_conv1 = L.Conv1D(attention_channels, kernel, padding="same")
            self.att_bn = L.BatchNormalization()
            self.att_conv2 = L.Conv1D(1, kernel, padding="same")
            self.z_proj = L.Dense(units, use_bias=False)          # U_i
            self.c_hidden = L.Dense(units, activation="relu")     # V_i, b_i
            self.c_proj = L.Dense(units, use_bias=False)          # W_i
        self.alpha = L.Dense(channels, bias_initializer="ones")
        self.beta = L.Dense(channels)

    def call(self, inputs, training=None):
        z_i, c_i, z_vec, c_vec = inputs
        mean, var = tf.nn.moments(z_i, axes=[1], keepdims=True)
        normed = (z_i - mean) * tf.math.rsqrt(var + self.epsilon)
        if self.mode == "self_modulation":
            h = tf.concat([z_vec, c_vec], axis=-1)[:, None, :]
        else:
            a = tf.nn.relu(self.att_bn(self.att_conv1(tf.concat([z_i, c_i], axis=-1)), training=training))
            a = tf.sigmoid(self.att_conv2(a))
            z_star = self.z_proj(z_vec)[:, None, :]
            c_star = self.c_proj(self.c_hidden(c_vec))[:, None, :]
            h = a * c_star + (1.0 - a) * z_star
        return self.alpha(h) * normed + self.beta(h)

    def get_config(self):
        return {**super().get_config(), "channels": self.channels, "units": self.units,
                "attention_channels": self.attention_channels, "kernel": self.kernel, "mode": self.mode,
                "epsilon": self.epsilon}


def _conv_block(x, channels: int, kernel: int, name: str):
    """Linear ×2 up-sample, Conv1D, BatchNorm, ReLU."""
    x = LinearUpsample1D(name=f"{name}_up")(x)
    x = L.Conv1D(channels, kernel, padding="same", use_bias=False, name=f"{name}_conv")(x)
    x = L.BatchNormalization(name=f"{name}_bn")(x)
    return L.ReLU(name=f"{name}_relu")(x)


def _mlp(x, units: int, layers: int, name: str):
    for i in range(layers):
        x = L.Dense(units, name=f"{name}_{i}")(x)
        x = L.LeakyReLU(0.2, name=f"{name}_act{i}")(x) if i < layers - 1 else x
    return x


def _double_conv(x, channels: int, name: str):
    for i in range(2):
        x = L.Conv1D(channels, 3, padding="same", name=f"{name}_conv{i}")(x)
        x = L.BatchNormalization(name=f"{name}_bn{i}")(x)
        x = L.ReLU(name=f"{name}_relu{i}")(x)
    return x


class ViewGate(L.Layer):
    """Nef-Net's query: the encoded angles of the 12 views → (12, rep_channels) channel gates by an MLP
    (constant input, so the gates are learned per view; any other angle can be queried the same way)."""

    def __init__(self, channels: int, order: int = 1, **kwargs):
        super().__init__(**kwargs)
        self.channels, self.order = channels, order
        self.encoded = tf.constant(encode_angles(view_angles(), order))
        self.hidden = L.Dense(channels, activation="relu")
        self.out = L.Dense(channels)

    def call(self, representation):
        gates = self.out(self.hidden(self.encoded))                     # (V, C)
        return representation[:, None, :, :] * gates[None, :, None, :]  # (N, V, T, C)

    def get_config(self):
        return {**super().get_config(), "channels": self.channels, "order": self.order}


def build_generator(config: MeganConfig) -> keras.Model:
    """Noise (N, z_dim) and condition (N, 3) → beats (N, 12, length) in [0, 1]."""
    if config.variant == "cdcgan":
        return _build_cdcgan_generator(config)
    if config.variant == "bilstm_cnn":
        return _build_bilstm_generator(config)
    z = keras.Input((config.z_dim,), name="noise")
    c = keras.Input((config.n_conditions,), name="condition")
    z_vec = _mlp(z, config.mlp_units, config.mlp_layers, "z_mlp")
    c_vec = _mlp(c, config.mlp_units, config.mlp_layers, "c_mlp")
    h = L.Reshape((config.base_length, config.level_channels[0]), name="z_reshape")(
        L.Dense(config.base_length * config.level_channels[0], name="z_embed")(z))
    ch = L.Reshape((config.base_length, config.condition_channels[0]), name="c_reshape")(
        L.Dense(config.base_length * config.condition_channels[0], activation="relu", name="c_embed")(c))
    for i, (width, c_width) in enumerate(zip(config.level_channels, config.condition_channels)):
        h = _conv_block(h, width, config.kernel, f"level{i}")
        ch = _conv_block(ch, c_width, config.kernel, f"cond{i}")
        h = MixupNorm(width, config.mixup_units, config.attention_channels, config.kernel, config.normalization,
                      name=f"mixupnorm{i}")([h, ch, z_vec, c_vec])
    rep = L.Conv1D(config.rep_channels, 3, padding="same", name="representation")(h)   # (N, T, C)
    t = config.length // 4
    x = ViewGate(config.rep_channels, config.angle_order, name="view_gate")(rep)       # (N, V, T, C)
    x = L.Reshape((t, config.rep_channels), name="views_to_batch")(
        L.Lambda(lambda v: tf.reshape(v, [-1, t, config.rep_channels]), name="fold_views")(x))
    for i, width in enumerate(config.decoder_channels):
        x = LinearUpsample1D(name=f"dec_up{i}")(x)
        x = _double_conv(x, width, f"dec{i}")
    x = L.Conv1D(1, 3, padding="same", name="dec_out")(x)
    x = L.Activation("sigmoid", dtype="float32", name="sigmoid")(L.Rescaling(1 / config.output_temperature, name="temperature")(x))
    out = L.Lambda(lambda v: tf.reshape(v, [-1, config.n_views, config.length]), name="views", dtype="float32")(x)
    return keras.Model([z, c], out, name="me_gan_generator")


def _build_cdcgan_generator(config: MeganConfig) -> keras.Model:
    z = keras.Input((config.z_dim,), name="noise")
    c = keras.Input((config.n_conditions,), name="condition")
    n_up = len(config.level_channels) + 2
    start = config.length // 2 ** n_up
    x = L.Dense(start * config.level_channels[0], name="embed")(L.Concatenate()([z, c]))
    x = L.ReLU()(L.BatchNormalization()(L.Reshape((start, config.level_channels[0]))(x)))
    widths = list(config.level_channels[1:]) + list(config.decoder_channels) + [config.decoder_channels[-1]]
    for i, width in enumerate(widths[:n_up]):
        x = L.Conv1DTranspose(width, config.kernel, strides=2, padding="same", use_bias=False, name=f"up{i}")(x)
        x = L.ReLU()(L.BatchNormalization(name=f"bn{i}")(x))
    x = L.Conv1D(config.n_views, 3, padding="same", activation="sigmoid", dtype="float32", name="out")(x)
    out = L.Permute((2, 1), name="views", dtype="float32")(x)
    return keras.Model([z, c], out, name="cdcgan_generator")


def _build_bilstm_generator(config: MeganConfig, units: int = 64) -> keras.Model:
    z = keras.Input((config.z_dim,), name="noise")
    c = keras.Input((config.n_conditions,), name="condition")
    steps, width = config.length // 4, 16
    x = L.Reshape((steps, width))(L.Dense(steps * width, name="embed")(L.Concatenate()([z, c])))
    for i in range(2):
        x = L.Bidirectional(L.LSTM(units, return_sequences=True), name=f"bilstm{i}")(x)
    x = LinearUpsample1D(name="up0")(LinearUpsample1D(name="up1")(x))
    x = L.Conv1D(config.n_views, 5, padding="same", activation="sigmoid", dtype="float32", name="out")(x)
    return keras.Model([z, c], L.Permute((2, 1), name="views", dtype="float32")(x), name="bilstm_cnn_generator")


def build_discriminator(config: MeganConfig) -> keras.Model:
    """Beats (N, 12, length) → [LSGAN score (N, 1), condition logits (N, 3)]."""
    x_in = keras.Input((config.n_views, config.length), name="beats")
    x = L.Permute((2, 1))(x_in)
    for i, width in enumerate(config.disc_channels):
        x = L.Conv1D(width, config.disc_kernel, strides=2, padding="same", name=f"conv{i}")(x)
        x = InstanceNorm1D(name=f"in{i}")(x)
        x = L.LeakyReLU(0.2)(x)
    score = L.Dense(1, dtype="float32", name="lsgan")(L.Flatten()(x))
    logits = L.Dense(config.n_conditions, dtype="float32", name="aux")(L.GlobalAveragePooling1D()(x))
    return keras.Model(x_in, [score, logits], name="me_gan_discriminator")


def positional_encoding(positions, dims: int = 8):
    """Sinusoidal encoding (N, l) sample positions → (N, l, dims) (periods from 4 to ~1,000 samples)."""
    freqs = tf.constant(1.0 / (10000.0 ** (np.arange(dims // 2) * 2 / dims)) * np.pi / 2, tf.float32)
    ang = tf.cast(positions, tf.float32)[..., None] * freqs
    return tf.concat([tf.sin(ang), tf.cos(ang)], axis=-1)


def build_view_discriminator(config: MeganConfig, pe_dims: int = 8) -> keras.Model:
    """A crop of every view (N, 12, l) (views in any order) and its sample positions (N, l) →
    each view's (cos θ, cos φ′/2) (N, 12, 2), tanh.

    One shared sub-network embeds each view (its crop + positional encoding); each view's prediction
    sees its own embedding and the mean embedding of all views (the context that makes the order
    recoverable: a view is only told apart relative to the others of its case)."""
    l_crop = config.view_crop
    views = keras.Input((config.n_views, l_crop), name="views")
    positions = keras.Input((l_crop,), name="positions")
    pe = L.Lambda(lambda p: positional_encoding(p, pe_dims), name="pos_enc")(positions)        # (N, l, pe)
    x = L.Lambda(lambda a: tf.concat([a[0][..., None], tf.repeat(a[1][:, None], config.n_views, axis=1)], -1),
                 name="with_pe")([views, pe])                                                    # (N, V, l, 1+pe)
    x = L.Reshape((l_crop, 1 + pe_dims))(L.Lambda(lambda v: tf.reshape(v, [-1, l_crop, 1 + pe_dims]))(x))
    for i, width in enumerate(config.view_channels):
        x = L.Conv1D(width, 7, strides=2, padding="same", name=f"vconv{i}")(x)
        x = L.LeakyReLU(0.2)(x)
    emb = L.GlobalAveragePooling1D()(x)
    emb = L.Lambda(lambda e: tf.reshape(e, [-1, config.n_views, config.view_channels[-1]]), name="per_view")(emb)
    context = L.Lambda(lambda e: tf.repeat(tf.reduce_mean(e, axis=1, keepdims=True), config.n_views, axis=1))(emb)
    h = L.Dense(64, activation=tf.nn.leaky_relu, name="vhead")(L.Concatenate()([emb, context]))
    out = L.Dense(2, activation="tanh", dtype="float32", name="angles")(h)
    return keras.Model([views, positions], out, name="me_gan_view_discriminator")
