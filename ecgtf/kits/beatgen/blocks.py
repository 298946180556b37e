"""Network pieces the beat generators are built from (functional Keras; beats are (N, L))."""
from __future__ import annotations

from ecgtf.backend import keras
from ecgtf.kits.layers import float32_output

L = keras.layers


def inputs(shape, n_classes: int, name: str):
    """Input(s) of a network: ``shape`` [+ one-hot (n_classes,) when conditional]."""
    x = keras.Input(tuple(shape), name=name)
    if not n_classes:
        return [x], x, None
    c = keras.Input((n_classes,), name="class_onehot")
    return [x, c], x, c


def as_sequence(beats, length: int, onehot=None, name: str = "seq"):
    """(N, L) → (N, L, 1) [+ the one-hot repeated over time as extra channels]."""
    x = L.Reshape((length, 1), name=f"{name}_reshape")(beats)
    if onehot is not None:
        x = L.Concatenate(name=f"{name}_cond")([x, L.RepeatVector(length, name=f"{name}_repeat")(onehot)])
    return x


def to_beat(x, length: int, activation: str | None, name: str):
    """Per-step Dense(1) [+ activation] over (N, T, C) → (N, length) (T ≥ length: cropped)."""
    x = L.Dense(1, activation=activation, name=f"{name}_out")(x)
    if x.shape[1] != length:
        x = L.Cropping1D((0, int(x.shape[1]) - length), name=f"{name}_crop")(x)
    return float32_output(L.Reshape((length,), name=f"{name}_beat")(x), f"{name}_beat")


def recurrent(kind: str, units: int, name: str, return_sequences: bool = True, bidirectional: bool = False):
    """An LSTM / SimpleRNN layer (optionally bidirectional, concatenated)."""
    cell = {"lstm": L.LSTM, "rnn": L.SimpleRNN}[kind]
    layer = cell(units, return_sequences=return_sequences, name=name if not bidirectional else None)
    return L.Bidirectional(layer, name=name) if bidirectional else layer


def recurrent_generator(length: int, noise_channels: int, units: int, layers: int, kind: str = "lstm",
                        bidirectional: bool = False, n_classes: int = 0, dropout: float = 0.0,
                        activation: str | None = "tanh", name: str = "generator") -> keras.Model:
    """Noise (N, length, noise_channels) [+ one-hot] → stacked (Bi)LSTM/RNN → per-step Dense(1) → beats (N, length)."""
    ins, z, c = inputs((length, noise_channels), n_classes, "noise")
    x = z
    if c is not None:
        x = L.Concatenate(name="g_cond")([z, L.RepeatVector(length, name="g_repeat")(c)])
    for i in range(layers):
        x = recurrent(kind, units, f"g_rnn{i}", bidirectional=bidirectional)(x)
        if dropout:
            x = L.Dropout(dropout, name=f"g_drop{i}")(x)
    return keras.Model(ins, to_beat(x, length, activation, "g"), name=name)


def conv_discriminator(length: int, filters, kernel: int, strides, pools, n_classes: int = 0,
                       activation: str = "leaky_relu", batchnorm: bool = False, name: str = "discriminator"):
    """Beats (N, L) [+ one-hot as channels] → Conv1D stack (filters, kernel, stride, max-pool) → Dense(1) logits."""
    ins, b, c = inputs((length,), n_classes, "beat")
    x = as_sequence(b, length, c, "d")
    for i, (f, s, p) in enumerate(zip(filters, strides, pools)):
        x = L.Conv1D(f, kernel, strides=s, padding="same", name=f"d_conv{i}")(x)
        if batchnorm and i > 0:
            x = L.BatchNormalization(name=f"d_bn{i}")(x)
        x = L.LeakyReLU(0.2, name=f"d_act{i}")(x) if activation == "leaky_relu" else L.ReLU(name=f"d_act{i}")(x)
        if p > 1:
            x = L.MaxPooling1D(p, padding="same", name=f"d_pool{i}")(x)
    x = L.Flatten(name="d_flatten")(x)
    return keras.Model(ins, float32_output(L.Dense(1, name="d_logits")(x), "d_logits"), name=name)


def upsampling_generator(length: int, noise_dim: int, filters, kernel: int, n_classes: int = 0,
                         batchnorm: bool = True, name: str = "generator") -> keras.Model:
    """DCGAN-style: noise (N, Z) [+ one-hot] → Dense → (T0, f0) → [×2 upsample + Conv1D] per filter → beats (N, L).

    T0 = ceil(L / 2^len(filters)); the last positions are cropped to ``length``.
    """
    ins, z, c = inputs((noise_dim,), n_classes, "noise")
    x = z if c is None else L.Concatenate(name="g_cond")([z, c])
    steps = len(filters)
    t0 = -(-length // 2 ** steps)
    x = L.Dense(t0 * filters[0], name="g_project")(x)
    x = L.Reshape((t0, filters[0]), name="g_reshape")(x)
    for i, f in enumerate(filters):
        x = L.UpSampling1D(2, name=f"g_up{i}")(x)
        x = L.Conv1D(f, kernel, padding="same", name=f"g_conv{i}")(x)
        if batchnorm:
            x = L.BatchNormalization(name=f"g_bn{i}")(x)
        x = L.ReLU(name=f"g_act{i}")(x)
    return keras.Model(ins, to_beat(x, length, "tanh", "g"), name=name)


def mlp(in_dim: int, sizes, out_dim: int, out_activation: str | None, batchnorm: bool, name: str,
        n_classes: int = 0, input_name: str = "x") -> keras.Model:
    """Dense stack with LeakyReLU(0.2) [+ BatchNorm after the first layer]."""
    ins, x0, c = inputs((in_dim,), n_classes, input_name)
    x = x0 if c is None else L.Concatenate(name=f"{name}_cond")([x0, c])
    for i, s in enumerate(sizes):
        x = L.Dense(s, name=f"{name}_dense{i}")(x)
        if batchnorm and i > 0:
            x = L.BatchNormalization(name=f"{name}_bn{i}")(x)
        x = L.LeakyReLU(0.2, name=f"{name}_act{i}")(x)
    out = L.Dense(out_dim, activation=out_activation, name=f"{name}_out")(x)
    return keras.Model(ins, float32_output(out, f"{name}_out"), name=name)


def recurrent_encoder(length: int, units: int, latent: int, kind: str, name: str = "encoder") -> keras.Model:
    """Beats (N, L) → RNN/LSTM(units) last state → Dense(latent)."""
    b = keras.Input((length,), name="beat")
    h = recurrent(kind, units, "e_rnn", return_sequences=False)(as_sequence(b, length, name="e"))
    return keras.Model(b, L.Dense(latent, name="e_code")(h), name=name)


def recurrent_decoder(length: int, units: int, latent: int, kind: str, name: str = "decoder") -> keras.Model:
    """Code (N, latent) → Dense(units) → repeated over L steps → RNN/LSTM(units) → Dense(1) → beats (N, L)."""
    z = keras.Input((latent,), name="code")
    x = L.RepeatVector(length, name="dec_repeat")(L.Dense(units, activation="tanh", name="dec_project")(z))
    x = recurrent(kind, units, "dec_rnn")(x)
    return keras.Model(z, to_beat(x, length, None, "dec"), name=name)
