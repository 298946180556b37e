"""WaveNet-based and GAN-based ECG generators after "Generating electrocardiogram signals by deep
learning" (Neurocomputing 404, 2020, doi 10.1016/j.neucom.2020.04.076): normal (N), left (L) and right
(R) bundle-branch-block beats of MIT-BIH, 4 s fragments (the paper: 15,828 training / 150 balanced
test), plus its QRS-centred 360- and 50-sample variants (``--before 180 --after 180`` / ``--before 25
--after 25``). Both generators are conditioned on the class; the paper reports the GANs faster.

- ``wavenet`` (van den Oord et al. 2016): causal dilated convolutions (kernel 2, dilations 1 … 512 =
  1,024-sample receptive field), gated tanh·σ units with the one-hot class as global conditioning,
  residual + skip connections, a 256-way softmax over µ-law-quantised samples. Trained with teacher
  forcing; sampled one sample at a time (:func:`sample`, with per-layer queues: Paine et al. 2016).
- ``gan``: a class-conditional 1-D DCGAN (noise 100 + one-hot → projection → 5 × [upsample ×2, Conv1D,
  BN, ReLU] → tanh; discriminator Conv1D stride 2 with the class as channels).

Beats are min-max scaled to [0, 1]; WaveNet works on x·2 − 1 in [−1, 1]. Sizes are ours where the
text available offline does not give them (fields of :class:`WavenetGanConfig`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecgtf.backend import keras, tf
from ecgtf.data.mitdb_beats import BeatWindowConfig
from ecgtf.kits.beatgen import blocks
from ecgtf.kits.beatgen.engine import BeatGAN, _split, _Tracked
from ecgtf.kits.beatgen.sampling import generator_inputs
from ecgtf.kits.beatgen.trainer import BeatGenTraining
from ecgtf.kits.layers import apply_gradients, float32_output, training_loss

L = keras.layers


@dataclass(frozen=True)
class WavenetGanConfig:
    variant: str = "wavenet"
    length: int = 1440
    n_classes: int = 3
    residual_channels: int = 32
    skip_channels: int = 64
    dilations: tuple[int, ...] = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
    quantization: int = 256
    noise_dim: int = 100
    gan_generator: tuple[int, ...] = (256, 128, 64, 32, 16)
    gan_discriminator: tuple[int, ...] = (32, 64, 128, 256, 256)
    gan_kernel: int = 9

    @property
    def receptive_field(self) -> int:
        return sum(self.dilations) + 1


CONFIG = WavenetGanConfig
VARIANTS = {"wavenet": {}, "gan": {}}
WINDOW = BeatWindowConfig(lead="MLII", before=720, after=720, fs=360.0, classes=("N",), symbols=("N", "L", "R"),
                          normalization="minmax")
TRAINING = BeatGenTraining(epochs=30, batch_size=32, lr=1e-3, beta1=0.9)


def mu_law_encode(x, q: int = 256):
    """x in [−1, 1] → integer classes 0 … q−1."""
    mu = q - 1
    y = tf.sign(x) * tf.math.log1p(mu * tf.abs(x)) / np.log1p(mu)
    return tf.cast(tf.clip_by_value(tf.round((y + 1) / 2 * mu), 0, mu), tf.int32)


def mu_law_decode(k: np.ndarray, q: int = 256) -> np.ndarray:
    mu = q - 1
    y = 2 * (np.asarray(k, np.float64) / mu) - 1
    return np.sign(y) * ((1 + mu) ** np.abs(y) - 1) / mu


def wavenet(cfg: WavenetGanConfig, length: int | None = None) -> keras.Model:
    """[previous samples (N, T) in [−1, 1], one-hot (N, C)] → logits (N, T, q): position t predicts
    sample t+1 from samples ≤ t (causal)."""
    t = length or cfg.length
    x_in = keras.Input((t,), name="samples")
    c_in = keras.Input((cfg.n_classes,), name="class_onehot")
    x = L.Conv1D(cfg.residual_channels, 1, name="w_in")(L.Reshape((t, 1), name="w_reshape")(x_in))
    skips = []
    for i, d in enumerate(cfg.dilations):
        h = L.Conv1D(2 * cfg.residual_channels, 2, dilation_rate=d, padding="causal", name=f"w_dil{i}")(x)
        cond = L.Reshape((1, 2 * cfg.residual_channels), name=f"w_condr{i}")(
            L.Dense(2 * cfg.residual_channels, use_bias=False, name=f"w_cond{i}")(c_in))
        h = L.Add(name=f"w_add{i}")([h, cond])
        a, b = L.Lambda(lambda v: tf.split(v, 2, axis=-1), name=f"w_split{i}")(h)
        g = L.Multiply(name=f"w_gate{i}")([L.Activation("tanh", name=f"w_tanh{i}")(a),
                                          L.Activation("sigmoid", name=f"w_sig{i}")(b)])
        skips.append(L.Conv1D(cfg.skip_channels, 1, name=f"w_skip{i}")(g))
        if i < len(cfg.dilations) - 1:  # the last layer only feeds the skip path
            x = L.Add(name=f"w_res{i}")([x, L.Conv1D(cfg.residual_channels, 1, name=f"w_rconv{i}")(g)])
    s = L.ReLU(name="w_relu0")(L.Add(name="w_skips")(skips))
    s = L.ReLU(name="w_relu1")(L.Conv1D(cfg.skip_channels, 1, name="w_post")(s))
    logits = L.Conv1D(cfg.quantization, 1, name="w_logits")(s)
    return keras.Model([x_in, c_in], float32_output(logits, "w_out"), name="wavenet")


class BeatWaveNet(_Tracked):
    """Teacher-forced WaveNet: ``fit()`` on (beats in [0, 1], labels); cross-entropy of the next µ-law sample.

    ``generator`` is the network itself (previous samples + class → logits); generation is :func:`sample`.
    """

    def __init__(self, cfg: WavenetGanConfig, **kwargs):
        super().__init__(**kwargs)
        self.cfg = cfg
        self.generator = wavenet(cfg)
        self._init_trackers(("nll", "accuracy"))

    def compile(self, g_optimizer, d_optimizer=None, **kwargs):
        super().compile(**kwargs)
        self.g_optimizer = g_optimizer

    def train_step(self, data):
        beats, labels = _split(data)
        x = beats * 2.0 - 1.0
        onehot = tf.one_hot(tf.cast(labels, tf.int32), self.cfg.n_classes)
        prev = tf.pad(x[:, :-1], [[0, 0], [1, 0]])  # position t sees samples < t
        target = mu_law_encode(x, self.cfg.quantization)
        with tf.GradientTape() as tape:
            logits = self.generator([prev, onehot], training=True)
            nll = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(target, logits, from_logits=True))
            scaled = training_loss(nll, self.g_optimizer)
        apply_gradients(tape, scaled, self.g_optimizer, self.generator.trainable_variables)
        acc = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, -1, output_type=tf.int32), target), tf.float32))
        return self._log({"nll": nll, "accuracy": acc})

    def checkpoint_objects(self) -> dict:
        return {"generator": self.generator, "g_optimizer": self.g_optimizer}

    def optimizer_pairs(self):
        return [(self.g_optimizer, self.generator)]


def build_model(cfg: WavenetGanConfig):
    if cfg.variant == "wavenet":
        return BeatWaveNet(cfg)
    if cfg.variant == "gan":
        g = blocks.upsampling_generator(cfg.length, cfg.noise_dim, cfg.gan_generator, cfg.gan_kernel,
                                        n_classes=cfg.n_classes, name="conditional_dc_generator")
        n = len(cfg.gan_discriminator)
        d = blocks.conv_discriminator(cfg.length, cfg.gan_discriminator, cfg.gan_kernel, (2,) * n, (1,) * n,
                                      n_classes=cfg.n_classes, name="conditional_dc_discriminator")
        return BeatGAN(g, d, (cfg.noise_dim,), n_classes=cfg.n_classes)
    raise ValueError(f"unknown variant {cfg.variant!r}; expected wavenet or gan")


class _Stepper:
    """One-sample-at-a-time WaveNet (per-layer queues of past activations; Paine et al. 2016, "Fast WaveNet")."""

    def __init__(self, net: keras.Model, cfg: WavenetGanConfig):
        self.cfg = cfg
        get = lambda name: [w.numpy() for w in net.get_layer(name).weights]  # noqa: E731
        self.w_in = get("w_in")
        last = len(cfg.dilations) - 1
        self.layers = [dict(dil=get(f"w_dil{i}"), cond=get(f"w_cond{i}")[0], skip=get(f"w_skip{i}"),
                            res=get(f"w_rconv{i}") if i < last else None, d=d) for i, d in enumerate(cfg.dilations)]
        self.post, self.out = get("w_post"), get("w_logits")

    def run(self, onehot: np.ndarray, n_steps: int, rng: np.random.Generator, forced: np.ndarray | None = None):
        """Sample ``n_steps`` values in [−1, 1] per row of ``onehot``; with ``forced`` (n, n_steps) the inputs
        are those values instead (teacher forcing) and the logits (n, n_steps, q) are returned too."""
        cfg, n = self.cfg, len(onehot)
        all_logits = [] if forced is not None else None
        rc = cfg.residual_channels
        conds = [onehot @ lyr["cond"] for lyr in self.layers]
        queues = [np.zeros((lyr["d"], n, rc), np.float32) for lyr in self.layers]
        heads = [0] * len(self.layers)
        x_prev = np.zeros(n, np.float32)
        out = np.empty((n, n_steps), np.float32)
        for t in range(n_steps):
            h = x_prev[:, None] * self.w_in[0][0] + self.w_in[1]  # (n, rc)
            skip = 0.0
            for i, lyr in enumerate(self.layers):
                k, b = lyr["dil"]
                past = queues[i][heads[i]].copy()  # the slot is overwritten next
                queues[i][heads[i]] = h
                heads[i] = (heads[i] + 1) % lyr["d"]
                z = past @ k[0] + h @ k[1] + b + conds[i]
                g = np.tanh(z[:, :rc]) * (1 / (1 + np.exp(-z[:, rc:])))
                skip = skip + g @ lyr["skip"][0][0] + lyr["skip"][1]
                if lyr["res"] is not None:
                    h = h + g @ lyr["res"][0][0] + lyr["res"][1]
            s = np.maximum(np.maximum(skip, 0) @ self.post[0][0] + self.post[1], 0)
            logits = s @ self.out[0][0] + self.out[1]
            if forced is not None:
                all_logits.append(logits)
                x_prev = forced[:, t].astype(np.float32)
                out[:, t] = x_prev
                continue
            p = np.exp(logits - logits.max(1, keepdims=True))
            p /= p.sum(1, keepdims=True)
            k = (p.cumsum(1) > rng.random((n, 1))).argmax(1)
            x_prev = mu_law_decode(k, cfg.quantization).astype(np.float32)
            out[:, t] = x_prev
        return out if forced is None else (out, np.stack(all_logits, axis=1))


def sample(generator, cfg: WavenetGanConfig, n: int, labels=None, seed: int = 0) -> np.ndarray:
    """``n`` beats (n, L) in [0, 1]: WaveNet sampled autoregressively; the GAN in one pass."""

    if cfg.variant == "gan":
        inputs = generator_inputs(generator, n, labels, seed)
        return np.concatenate([generator([x[i:i + 256] for x in inputs], training=False).numpy()
                               for i in range(0, n, 256)]).reshape(n, -1)
    labels = np.arange(n) % cfg.n_classes if labels is None else np.asarray(labels, int)
    onehot = np.eye(cfg.n_classes, dtype=np.float32)[labels]
    return (_Stepper(generator, cfg).run(onehot, cfg.length, np.random.default_rng(seed)) + 1) / 2
