"""EKGAN training throughput (samples/s) on this machine: ecgtf's compiled ``fit()`` train step vs a
straightforward eager step like the original code's (three GradientTapes, a Python print per step).

    python benchmarks/ekgan_train_throughput.py                    # widths 1.0 and 0.25, batch 32
    python benchmarks/ekgan_train_throughput.py --widths 0.5 --steps 20

Both variants run in the same process on the same synthetic batches, alternating, so the ratio is
meaningful even on a noisy shared machine (absolute numbers drift by tens of percent).
"""
from __future__ import annotations

import argparse
import io
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))



def eager_original_style(ig, lg, d, opts, x, y, lambda_l1=50.0, alpha=1.0):
    """One step the way the original TF2 code does it: eager, three tapes, print every step."""
    from ecgtf.backend import tf
    from ecgtf.models.ekgan import adversarial_loss, l1

    with tf.GradientTape() as ig_tape, tf.GradientTape() as d_tape, tf.GradientTape() as lg_tape:
        ig_out, ig_lat = ig(x, training=True)
        lg_out, lg_lat = lg(x, training=True)
        d_real = d([x, y], training=True)
        d_fake = d([x, ig_out], training=True)
        lg_loss = l1(x, lg_out)
        adv = adversarial_loss(d_fake, True)
        g_l1 = l1(y, ig_out)
        lat = l1(ig_lat, lg_lat)
        g_loss = adv + lambda_l1 * g_l1 + alpha * lat
        d_loss = adversarial_loss(d_real, True) + adversarial_loss(d_fake, False)
    for tape, loss, net, opt in ((ig_tape, g_loss, ig, opts[0]), (d_tape, d_loss, d, opts[2]), (lg_tape, lg_loss, lg, opts[1])):
        opt.apply_gradients(zip(tape.gradient(loss, net.trainable_variables), net.trainable_variables))
    print(f"gen_total_loss {float(g_loss)} adv {float(adv)} l1 {float(g_l1)} lg {float(lg_loss)} latent {float(lat)}")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--widths", default="1.0,0.25")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--steps", type=int, default=10, help="timed steps per variant and round (default 10)")
    p.add_argument("--rounds", type=int, default=2, help="alternating rounds (default 2)")
    args = p.parse_args(argv)

    from ecgtf.backend import keras, tf
    from ecgtf.data.synthetic import generate_dataset
    from ecgtf.data.tfdata import make_dataset
    from ecgtf.models.ekgan import EKGAN, EkganConfig
    from ecgtf.models.ekgan.preprocessing import prepare_pairs

    signals, _, _ = generate_dataset(args.batch_size * 2, seed=0)
    x, y, _, _ = prepare_pairs(signals, 500.0)
    xb, yb = tf.constant(x[:args.batch_size]), tf.constant(y[:args.batch_size])
    print(f"{tf.config.list_physical_devices()}; batch {args.batch_size}; {args.steps} steps × {args.rounds} rounds")
    print(f"{'width':>6}{'params (IG)':>14}{'fit() samples/s':>18}{'eager samples/s':>18}{'speed-up':>10}")
    for width in (float(w) for w in args.widths.split(",")):
        cfg = EkganConfig(width=width)
        adam = lambda: keras.optimizers.Adam(1e-4, beta_1=0.5)  # noqa: E731
        gan = EKGAN(cfg)
        gan.compile(adam(), adam(), adam())
        ds = make_dataset(x, y, batch_size=args.batch_size, repeat=True, shuffle=False)
        gan.fit(ds, epochs=1, steps_per_epoch=2, verbose=0)  # build + trace
        eager = EKGAN(cfg)
        opts = (adam(), adam(), adam())
        with redirect_stdout(io.StringIO()):
            eager_original_style(eager.inference_generator, eager.label_generator, eager.discriminator, opts, xb, yb)
        t_fit = t_eager = 0.0
        sink = io.StringIO()
        for _ in range(args.rounds):
            start = time.perf_counter()
            gan.fit(ds, epochs=1, steps_per_epoch=args.steps, verbose=0)
            t_fit += time.perf_counter() - start
            start = time.perf_counter()
            with redirect_stdout(sink):
                for _ in range(args.steps):
                    eager_original_style(eager.inference_generator, eager.label_generator, eager.discriminator, opts, xb, yb)
            t_eager += time.perf_counter() - start
        n = args.batch_size * args.steps * args.rounds
        fit_sps, eager_sps = n / t_fit, n / t_eager
        print(f"{width:>6g}{gan.inference_generator.count_params():>14,}{fit_sps:>18.1f}{eager_sps:>18.1f}"
              f"{fit_sps / eager_sps:>9.2f}×", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
