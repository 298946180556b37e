"""Session 19 probe: a small learned refiner after a blended run's network + ridge, for Lead I + one chest lead (± II).

    python training/experiments/refiner_probe.py runs/clean-lite-ridge ../shared/data [WIDTH=32] [EPOCHS=20]

A 4-layer dilated Conv1D (kernel 9, dilations 1–8, WIDTH channels) reads the given leads, the mask, the network's
leads and the blended leads (all divided by Lead I's std) and adds a zero-initialised correction to the blend; trained
with the network frozen on random 512-sample crops of the 1,130 millivolt training segments of the baselines, one of
the 12 ridge sets per window; measured every 5 epochs on PTB-XL fold 9 windows (mean window r, other chest leads).
Result (session 19, width 32, 42k weights): Lead I + V3…V6 gained, Lead I + V2 lost (0.856 → 0.850); not kept.
"""
import os
import sys
import time

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
import numpy as np  # noqa: E402

from ecgtf.backend import keras, tf  # noqa: E402
from ecgtf.kits.ridge import baseline_training_data  # noqa: E402
from ecgtf.models.unet1d.ridge_blend import RIDGE_SETS, ridge_rows, validation_windows  # noqa: E402
from ecgtf.runs import Run  # noqa: E402
from ecgtf.scores import pearson  # noqa: E402

run_dir, data_dir = sys.argv[1], sys.argv[2]
width = int(sys.argv[3]) if len(sys.argv) > 3 else 32
epochs = int(sys.argv[4]) if len(sys.argv) > 4 else 20
run = Run(run_dir)
net = run.generator("best")
blend = net.get_layer("ridge_blend")
print("sets", blend.sets)
t0 = time.time()
segs = baseline_training_data(data_dir).astype(np.float32)       # (N, 12, 1000)
val = validation_windows(run, data_dir).astype(np.float32)       # (2M, 12, 512)
print("train segs", segs.shape, "val", val.shape, f"{time.time()-t0:.0f}s")
masks = []
for key in RIDGE_SETS:
    rows, used = ridge_rows(key)
    m = np.zeros(12, np.float32)
    m[list(rows)] = 1
    masks.append(m)
masks = np.stack(masks)
L = 512

# network without the blend: build a model that exposes the pre-blend leads
pre_leads = blend.input[2]
inner = keras.Model(net.inputs, pre_leads)

def features(x, present):
    """x (B,12,L) mV given leads zeroed; returns (B, L, 48) features, std_i (B,1,1), blended (B,12,L)."""
    netl = inner([x, present], training=False)
    out = blend([x, present, netl])
    c = (x - tf.reduce_mean(x, -1, keepdims=True)) * present[..., None]
    std_i = tf.sqrt(tf.reduce_mean(tf.square(c[:, :1]), -1, keepdims=True) + 1e-6)
    f = tf.concat([c / std_i, tf.broadcast_to(present[..., None], tf.shape(c)), netl / std_i, out / std_i], 1)
    return tf.transpose(f, [0, 2, 1]), std_i, out

inp = keras.Input((L, 48))
h = inp
for d in (1, 2, 4, 8):
    h = keras.layers.Conv1D(width, 9, dilation_rate=d, padding="same", activation="relu")(h)
delta = keras.layers.Conv1D(12, 1, kernel_initializer="zeros")(h)
refiner = keras.Model(inp, delta)
print("refiner params", refiner.count_params())
opt = keras.optimizers.Adam(1e-3)

def loss_fn(pred, truth, present):
    err = tf.abs(pred - truth) / tf.maximum(tf.math.reduce_std(truth, -1, keepdims=True), 0.02)
    w = (1 - present)[..., None]
    return tf.reduce_sum(tf.reduce_mean(err, -1, keepdims=True) * w) / tf.reduce_sum(w) / 1.0

@tf.function
def step(truth, present):
    x = truth * present[..., None]
    f, std_i, out = features(x, present)
    with tf.GradientTape() as tape:
        d = refiner(f, training=True)
        pred = out + tf.transpose(d, [0, 2, 1]) * std_i
        loss = loss_fn(pred, truth, present)
    g = tape.gradient(loss, refiner.trainable_variables)
    opt.apply_gradients(zip(g, refiner.trainable_variables))
    return loss

@tf.function
def predict(truth, present):
    x = truth * present[..., None]
    f, std_i, out = features(x, present)
    d = refiner(f, training=False)
    return out, out + tf.transpose(d, [0, 2, 1]) * std_i

def evaluate():
    res = {}
    for s, key in enumerate(RIDGE_SETS):
        ps_b, ps_r = [], []
        for st in range(0, len(val), 128):
            t = val[st:st+128]
            p = np.repeat(masks[s][None], len(t), 0)
            b, r = predict(tf.constant(t), tf.constant(p))
            ps_b.append(b.numpy())
            ps_r.append(r.numpy())
        b, r = np.concatenate(ps_b), np.concatenate(ps_r)
        chest = [k for k in range(6, 12) if masks[s][k] == 0]
        other = [k for k in range(12) if masks[s][k] == 0]
        pb, pr = pearson(b.astype(np.float64), val.astype(np.float64)), pearson(r.astype(np.float64), val.astype(np.float64))
        res[key] = (np.nanmean(pb[:, chest]), np.nanmean(pr[:, chest]), np.nanmean(pb[:, other]), np.nanmean(pr[:, other]))
    return res

rng = np.random.default_rng(0)
keep = segs[np.std(segs[:, 0], -1) > 0.005]
B, steps = 32, 250
for ep in range(epochs):
    lr = 1e-4 + 0.5 * (1e-3 - 1e-4) * (1 + np.cos(np.pi * ep / max(1, epochs - 1)))
    opt.learning_rate.assign(lr)
    t0, tot = time.time(), 0.0
    for _ in range(steps):
        idx = rng.integers(0, len(keep), B)
        off = rng.integers(0, keep.shape[-1] - L + 1, B)
        t = np.stack([keep[i, :, o:o+L] for i, o in zip(idx, off)])
        p = masks[rng.integers(0, len(masks), B)]
        tot += float(step(tf.constant(t), tf.constant(p)))
    msg = f"epoch {ep+1} loss {tot/steps:.4f} {time.time()-t0:.0f}s"
    if ep % 5 == 4 or ep == epochs - 1:
        res = evaluate()
        msg += "\n" + "\n".join(f"  {k}: chest {a:.3f}->{b:.3f}  other {c:.3f}->{d:.3f}" for k, (a, b, c, d) in res.items())
        msg += f"\n  mean I+Vk chest {np.mean([res[k][0] for k in RIDGE_SETS[:6]]):.4f}->{np.mean([res[k][1] for k in RIDGE_SETS[:6]]):.4f}"
    print(msg, flush=True)
