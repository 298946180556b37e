"""The 1-D U-Net reconstructor network: Lead I window (mV) → 12 leads (mV), shape and amplitude.

Input ``lead_i`` (N, 512) in mV at 100 Hz (band-passed, see :mod:`.preprocessing`). Inside the
graph the window is standardised by its own mean and std; a 1-D U-Net over time (Conv1D blocks,
stride-2 downsampling, transposed-convolution upsampling, skip concatenations) predicts each
lead's z-scored **shape** (N, 512, 12), and an **amplitude head** on the bottleneck (global average
+ max pooling and log std of Lead I → MLP) predicts ``log(std_lead / std_I)`` (N, 12). Output
``leads`` = shape · std_I · exp(log_gain), (N, 12, 512) in mV: no oracle amplitude needed.

Any leads in (``Unet1dConfig.any_leads``): the inputs are ``leads_in`` (N, 12, 512) mV, zeros where a
lead is not recorded, and ``present`` (N, 12) in {0, 1} (Lead I always present). Every given lead is
centred and divided by Lead I's std (so the relative amplitudes the device measured reach the network),
and the encoder reads 24 channels: those 12 leads (absent ones zero) and the presence mask; the amplitude
head also gets the mask and each given lead's ``log(std_lead / std_I)``. With the mask ``[1, 0, …]`` the
network is a Lead I model, and :func:`widen_from_lead_i` turns a trained Lead I network into an
any-leads one that computes exactly the same function until it is fine-tuned. A trained any-leads network may end
in a :class:`RidgeBlend` (``Unet1dConfig.ridge_sets``, fitted by :mod:`.ridge_blend`): for Lead I with one chest
lead (± Lead II) each output lead is blended with a ridge reconstruction from the given leads.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ecgtf.backend import keras, tf
from ecgtf.kits.layers import scaled
from ecgtf.leads import LEADS, known_leads, set_key


@dataclass(frozen=True)
class Unet1dConfig:
    """Architecture of the 1-D U-Net reconstructor (ecgtf's own design, no paper defaults)."""

    length: int = 512
    filters: tuple[int, ...] = (32, 64, 96, 128, 192)
    """Filters per level; each level after the first halves the time axis."""
    kernel: int = 9
    convs_per_block: int = 2
    amp_hidden: int = 64
    width: float = 1.0
    dropout: float = 0.0
    members: int = 1
    """Ensemble size: ``members`` U-Nets of this shape in one model, outputs averaged (1 = a single network)."""
    any_leads: bool = False
    """Inputs ``[leads_in (N, 12, L), present (N, 12)]`` (any subset of leads that includes Lead I) instead of ``lead_i``."""
    lead_mix: int = 0
    """Any leads only: > 0 adds each given lead z-scored by its own std as 12 more encoder channels and a linear
    path from them to the shape output (a ``lead_mix``-tap convolution, like ridge regression on the given leads;
    it learns within a few hundred steps what the U-Net's first layer learns slowly)."""
    ridge_sets: tuple[str, ...] = ()
    """Any leads only: sets of given leads (``"I+V2"``, ``"I+II+V2"``, …) for which the output is blended with a
    linear (ridge) reconstruction from those leads (:class:`RidgeBlend`; fitted after training by
    :mod:`.ridge_blend`). Empty: none."""
    ridge_taps: int = 33
    """Taps of each ridge filter (33 at 100 Hz: ±160 ms)."""

    def __post_init__(self) -> None:
        if self.members < 1:
            raise ValueError(f"members must be ≥ 1, got {self.members}")
        if not 0 < self.width <= 4:
            raise ValueError(f"width must be in (0, 4], got {self.width}")
        if self.ridge_sets and not self.any_leads:
            raise ValueError("ridge_sets need any_leads (they blend in a reconstruction from the given leads)")
        for key in self.ridge_sets:
            if key != set_key(key.split("+")) or not key.startswith("I"):
                raise ValueError(f"ridge_sets: {key!r} is not a set of leads with Lead I in canonical order, such as "
                                 "I+II+V2")
        if self.ridge_taps < 1 or self.ridge_taps % 2 == 0:
            raise ValueError(f"ridge_taps must be odd and ≥ 1, got {self.ridge_taps}")
        if self.length % 2 ** (len(self.filters) - 1):
            raise ValueError(f"length {self.length} must be divisible by 2^{len(self.filters) - 1}")

    def to_dict(self) -> dict:
        return asdict(self)


class WindowStandardize(keras.layers.Layer):
    """(N, L) → z-scored (N, L, 1), log std (N, 1) and std (N, 1) of each window."""

    def __init__(self, eps: float = 1e-3, **kw):
        super().__init__(**kw)
        self.eps = eps

    def call(self, x):
        mean = tf.reduce_mean(x, axis=-1, keepdims=True)
        centred = x - mean
        std = tf.sqrt(tf.reduce_mean(tf.square(centred), axis=-1, keepdims=True) + self.eps ** 2)
        return (centred / std)[..., None], tf.math.log(std), std

    def get_config(self):
        return {**super().get_config(), "eps": self.eps}


class LeadStandardize(keras.layers.Layer):
    """Any-leads input: ([leads (N, 12, L) mV, present (N, 12)]) → (channels (N, L, 24), log std_I (N, 1),
    std_I (N, 1), amplitude features (N, 24) = [present, present · log(std_lead / std_I)]).

    Channel 0 is Lead I z-scored exactly as :class:`WindowStandardize` does; the other given leads are
    centred and divided by the same std_I; absent leads are zero."""

    def __init__(self, eps: float = 1e-3, own_scale: bool = False, **kw):
        super().__init__(**kw)
        self.eps, self.own_scale = eps, own_scale

    def call(self, inputs):
        x, present = inputs
        present = tf.cast(present, x.dtype)
        centred = (x - tf.reduce_mean(x, axis=-1, keepdims=True)) * present[..., None]
        var = tf.reduce_mean(tf.square(centred), axis=-1) + self.eps ** 2          # (N, 12)
        std_i = tf.sqrt(var[:, :1])
        z = tf.transpose(centred / std_i[..., None], [0, 2, 1])                      # (N, L, 12)
        mask = tf.broadcast_to(present[:, None, :], tf.shape(z))
        log_ratio = 0.5 * (tf.math.log(var) - tf.math.log(var[:, :1])) * present
        channels = [z, mask]
        if self.own_scale:      # each given lead z-scored by its own std (12 more channels)
            channels.append(tf.transpose(centred / tf.sqrt(var)[..., None], [0, 2, 1]))
        return tf.concat(channels, -1), tf.math.log(std_i), std_i, tf.concat([present, log_ratio], -1)

    def get_config(self):
        return {**super().get_config(), "eps": self.eps, "own_scale": self.own_scale}


def ridge_rows(key: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(rows the network sees as present, rows the ridge reads) for a set of given leads ``"I+II+V2"``: the present
    rows are every lead known exactly (from two limb leads on, all six limb leads); the ridge reads Lead I, Lead II
    when limb leads are given, and the given chest leads."""
    names = key.split("+")
    present = tuple(LEADS.index(n) for n in known_leads(names))
    used = tuple(LEADS.index(n) for n in names if n in ("I", "II") or n.startswith("V"))
    return present, used


class RidgeBlend(keras.layers.Layer):
    """Any-leads output blended with a linear reconstruction from the given leads: ``[leads_in (N, 12, L) mV,
    present (N, 12), leads (N, 12, L) mV]`` → leads (N, 12, L) mV.

    For a window whose present leads are exactly those of set ``s`` (:func:`ridge_rows`), lead ``k`` becomes
    ``α[s, k] · leads + (1 − α[s, k]) · ridge_s`` with ``ridge_s`` a ``taps``-tap filter (zero-padded) of the read
    leads, each centred over the window and divided by Lead I's std, times that std (so it scales with the input
    like the network does); other windows pass unchanged. Weights (not trained by ``fit``): ``kernel_s`` (taps,
    read leads, 12) and ``alpha`` (sets, 12), 1 at first (the network alone)."""

    def __init__(self, sets, taps: int = 33, eps: float = 1e-3, **kw):
        super().__init__(**kw)
        self.sets, self.taps, self.eps = tuple(sets), int(taps), eps
        self.rows = [ridge_rows(key) for key in self.sets]

    def build(self, input_shape):
        self.kernels = [self.add_weight(name=f"kernel_{key.replace('+', '_')}", shape=(self.taps, len(used), 12),
                                        initializer="zeros", trainable=False) for key, (_, used) in zip(self.sets, self.rows)]
        self.alpha = self.add_weight(name="alpha", shape=(len(self.sets), 12), initializer="ones", trainable=False)
        super().build(input_shape)

    def call(self, inputs):
        x, present, leads = inputs
        present = tf.cast(present, x.dtype)
        centred = (x - tf.reduce_mean(x, axis=-1, keepdims=True)) * present[..., None]
        std_i = tf.sqrt(tf.reduce_mean(tf.square(centred[:, :1]), axis=-1, keepdims=True) + self.eps ** 2)  # (N,1,1)
        z = tf.transpose(centred / std_i, [0, 2, 1])                                               # (N, L, 12)
        out = leads
        for s, (rows, used) in enumerate(self.rows):
            mask = np.zeros(12, np.float32)
            mask[list(rows)] = 1.0
            match = tf.cast(tf.reduce_all(tf.equal(present, mask), axis=-1), x.dtype)[:, None, None]
            ridge = tf.nn.conv1d(tf.gather(z, list(used), axis=-1), self.kernels[s], 1, "SAME")       # (N, L, 12)
            ridge = tf.transpose(ridge, [0, 2, 1]) * std_i
            alpha = self.alpha[s][None, :, None]
            out = out + match * (1.0 - alpha) * (ridge - leads)
        return out

    def get_config(self):
        return {**super().get_config(), "sets": list(self.sets), "taps": self.taps, "eps": self.eps}


def _block(x, filters: int, cfg: Unet1dConfig, name: str):
    for i in range(cfg.convs_per_block):
        x = keras.layers.Conv1D(filters, cfg.kernel, padding="same", use_bias=False, name=f"{name}_conv{i}")(x)
        x = keras.layers.BatchNormalization(name=f"{name}_bn{i}")(x)
        x = keras.layers.ReLU(name=f"{name}_relu{i}")(x)
    return x


def build_reconstructor(cfg: Unet1dConfig = Unet1dConfig(), skip_scales=None) -> keras.Model:
    """``lead_i`` (N, L) mV → {``leads`` (N, 12, L) mV, ``shape`` (N, L, 12), ``log_gain`` (N, 12)}.

    ``skip_scales`` (one per decoder level, for int8 export only, see :func:`ecgtf.models.unet1d.mobile.equalize_unet1d_skips`)
    multiplies each skip tensor by a constant before its concatenation. With ``cfg.members > 1`` the
    model holds that many networks (sub-models ``member0`` …) and averages their three outputs.
    """
    if cfg.members > 1:
        from dataclasses import replace

        single = replace(cfg, members=1, ridge_sets=())
        inputs = _inputs(cfg)
        outs = []
        for m in range(cfg.members):
            member = build_reconstructor(single, skip_scales)
            member._name = f"member{m}"
            outs.append(member(inputs))
        avg = {k: keras.layers.Average(name=f"mean_{k}")([o[k] for o in outs]) for k in ("leads", "shape", "log_gain")}
        if cfg.ridge_sets:
            avg["leads"] = RidgeBlend(cfg.ridge_sets, cfg.ridge_taps, name="ridge_blend", dtype="float32")([*inputs, avg["leads"]])
        return keras.Model(inputs, avg, name=f"unet1d_ensemble_{cfg.members}")
    inputs = _inputs(cfg)
    extra = []
    if cfg.any_leads:
        z, log_std, std, amp_extra = LeadStandardize(own_scale=cfg.lead_mix > 0, name="standardize")(inputs)
        extra = [amp_extra]
    else:
        z, log_std, std = WindowStandardize(name="standardize")(inputs)
    f = [scaled(n, cfg.width) for n in cfg.filters]
    x, skips = z, []
    for level, n in enumerate(f):
        if level:
            x = keras.layers.Conv1D(n, 4, strides=2, padding="same", use_bias=False, name=f"down{level}")(x)
        x = _block(x, n, cfg, f"enc{level}")
        skips.append(x)
    bottleneck = x
    if cfg.dropout:
        x = keras.layers.Dropout(cfg.dropout, name="dropout")(x)
    for level in range(len(f) - 2, -1, -1):
        x = keras.layers.Conv1DTranspose(f[level], 4, strides=2, padding="same", use_bias=False, name=f"up{level}")(x)
        skip = skips[level]
        if skip_scales is not None:
            skip = keras.layers.Rescaling(float(skip_scales[level]), name=f"skip{level}_scale")(skip)
        x = keras.layers.Concatenate(name=f"skip{level}")([x, skip])
        x = _block(x, f[level], cfg, f"dec{level}")
    shape = keras.layers.Conv1D(12, 1, name="shape_out", dtype="float32")(x)
    if cfg.any_leads and cfg.lead_mix:
        own = keras.layers.Lambda(lambda t: t[..., 24:], name="own_scaled")(z)
        mix = keras.layers.Conv1D(12, cfg.lead_mix, padding="same", use_bias=False, kernel_initializer="zeros",
                                  name="lead_mix", dtype="float32")(own)
        shape = keras.layers.Add(name="shape_mixed", dtype="float32")([shape, mix])
    pooled = keras.layers.Concatenate(name="amp_features")([
        keras.layers.GlobalAveragePooling1D(name="amp_avg")(bottleneck),
        keras.layers.GlobalMaxPooling1D(name="amp_max")(bottleneck), log_std, *extra])
    h = keras.layers.Dense(scaled(cfg.amp_hidden, cfg.width), activation="relu", name="amp_hidden")(pooled)
    log_gain = keras.layers.Dense(12, name="log_gain", dtype="float32")(h)
    gain = keras.layers.Lambda(lambda t: tf.exp(tf.clip_by_value(t[0], -6.0, 6.0)) * t[1], name="gain")(
        [log_gain, std])
    leads = keras.layers.Lambda(lambda t: tf.transpose(t[0], [0, 2, 1]) * t[1][..., None], name="leads")(
        [shape, gain])
    if cfg.ridge_sets:
        leads = RidgeBlend(cfg.ridge_sets, cfg.ridge_taps, name="ridge_blend", dtype="float32")([*inputs, leads])
    return keras.Model(inputs, {"leads": leads, "shape": shape, "log_gain": log_gain}, name="unet1d_reconstructor")


def _inputs(cfg: Unet1dConfig):
    if cfg.any_leads:
        return [keras.Input((12, cfg.length), name="leads_in"), keras.Input((12,), name="present")]
    return keras.Input((cfg.length,), name="lead_i")


def takes_any_leads(network: keras.Model) -> bool:
    """Whether ``network`` is an any-leads reconstructor (inputs ``[leads_in, present]``) rather than a Lead I one."""
    return isinstance(network.input, list)


def lead_i_inputs(lead_i):
    """Lead I windows (N, L) → the any-leads inputs ``[leads_in (N, 12, L), present (N, 12)]`` with Lead I alone."""
    lead_i = tf.convert_to_tensor(lead_i, tf.float32)
    n = tf.shape(lead_i)[0]
    leads_in = tf.concat([lead_i[:, None, :], tf.zeros([n, 11, tf.shape(lead_i)[1]], tf.float32)], 1)
    present = tf.concat([tf.ones([n, 1]), tf.zeros([n, 11])], 1)
    return [leads_in, present]


def _networks(model: keras.Model) -> list[keras.Model]:
    """The single U-Nets inside ``model`` (itself, or its ensemble members in order)."""
    members = [layer for layer in model.layers if isinstance(layer, keras.Model)]
    return members or [model]


NEW_LAYERS = ("lead_mix", "ridge_blend")
"""Layers an any-leads network may have that its source lacks (zero-initialised: they add nothing at first)."""


def widen_from_lead_i(source: keras.Model, target: keras.Model) -> None:
    """Copy a trained Lead I network (or ensemble) — or an any-leads one with fewer input channels — into an any-leads
    one of the same sizes so that it computes the same function: the extra input channels of the first convolution,
    the extra inputs of the amplitude head and the :data:`NEW_LAYERS` start at zero. Raises ``ValueError`` when the
    two do not match."""
    src, dst = _networks(source), _networks(target)
    if len(src) != len(dst):
        raise ValueError(f"cannot widen: {len(src)} source network(s) vs {len(dst)} target network(s)")
    for a, b in zip(src, dst):
        for layer in b.layers:
            w_new = layer.get_weights()
            if not w_new:
                continue
            try:
                w_old = a.get_layer(layer.name).get_weights()
            except ValueError:
                if layer.name in NEW_LAYERS:          # starts at zero: adds nothing until trained
                    continue
                raise ValueError(f"cannot widen: the source has no layer {layer.name!r}") from None
            if layer.name in ("enc0_conv0", "amp_hidden"):
                kernel = np.zeros_like(w_new[0])
                if layer.name == "enc0_conv0":
                    kernel[:, :w_old[0].shape[1], :] = w_old[0]
                else:
                    kernel[:w_old[0].shape[0], :] = w_old[0]
                w_old = [kernel, *w_old[1:]]
            if [w.shape for w in w_old] != [w.shape for w in w_new]:
                raise ValueError(f"cannot widen: layer {layer.name!r} has weights {[w.shape for w in w_old]} in the "
                                 f"source and {[w.shape for w in w_new]} in the target (sizes differ)")
            layer.set_weights(w_old)
