"""The machine's matrix-multiply throughput in LiteRT, float32 vs int8: the ceiling a model's latency is judged against.

    python -m export.microbench               # GMAC/s at 1 and 2 threads

A single FULLY_CONNECTED layer (``m`` × ``k`` input, ``k`` × ``n`` weights) converted to float32 and
to full int8 and timed in the LiteRT interpreter (XNNPACK) like the models are. Multiply-adds per
second = m·k·n / median time.
"""
from __future__ import annotations

import argparse
import sys
import time

import numpy as np


def _tflite(m: int, k: int, n: int, int8: bool) -> bytes:
    from ecgtf.backend import keras, tf

    inp = keras.Input((k,), batch_size=m)
    model = keras.Model(inp, keras.layers.Dense(n, use_bias=False)(inp))
    fn = tf.function(lambda x: model(x)).get_concrete_function(tf.TensorSpec((m, k), tf.float32))
    conv = tf.lite.TFLiteConverter.from_concrete_functions([fn], model)
    if int8:
        rng = np.random.default_rng(0)
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.representative_dataset = lambda: ([rng.standard_normal((m, k)).astype(np.float32)] for _ in range(4))
        conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    return conv.convert()


def matmul_throughput(threads=(1, 2), m: int = 256, k: int = 1024, n: int = 1024, runs: int = 30) -> dict:
    """{"float32": {threads: GMAC/s}, "int8": {...}} of an m×k·k×n matrix multiply in LiteRT."""
    from ai_edge_litert.interpreter import Interpreter

    out = {}
    x = np.random.default_rng(1).standard_normal((m, k)).astype(np.float32)
    for kind in ("float32", "int8"):
        content = _tflite(m, k, n, kind == "int8")
        out[kind] = {}
        for t in threads:
            interp = Interpreter(model_content=content, num_threads=t)
            interp.allocate_tensors()
            idx = interp.get_input_details()[0]["index"]
            times = []
            for i in range(runs + 3):
                start = time.perf_counter()
                interp.set_tensor(idx, x)
                interp.invoke()
                if i >= 3:
                    times.append(time.perf_counter() - start)
            out[kind][t] = m * k * n / float(np.median(times)) / 1e9
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m export.microbench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", default="1,2")
    args = p.parse_args(argv)
    res = matmul_throughput(tuple(int(t) for t in args.threads.split(",")))
    for kind, by in res.items():
        print(f"{kind:8s} " + "  ".join(f"{t} thread(s): {g:6.1f} GMAC/s" for t, g in by.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
