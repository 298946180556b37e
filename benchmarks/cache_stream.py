"""The training input pipeline at scale: cache build rate, streaming rate and peak memory.

    python benchmarks/cache_stream.py --records 2500 50000 --out /tmp/ecgtf-cache-bench

For each size N: build a segment cache of N simulated 10 s 12-lead records (random-phase sums of
sinusoids at 500 Hz, band-passed and resampled to 100 Hz by the real cache builder, so the build
cost is real), then in a fresh process open it and stream 200 batches of 32 random 5.12 s windows
through ``mix_caches``; report records/s (build), windows/s (stream) and the stream process's peak
resident memory, split into anonymous memory (the process's own) and file-backed mapped pages (the
page cache of the memory-mapped shards, which the kernel reclaims under pressure). Anonymous memory
should not grow with N.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np


def _records(n: int):
    from ecgtf.data.records import EcgRecord
    from ecgtf.leads import LEADS

    rng = np.random.default_rng(0)
    t = np.arange(5000) / 500.0
    base = np.stack([np.sin(2 * np.pi * f * t) for f in (1.1, 2.3, 5.0, 9.0, 17.0)])
    for i in range(n):
        w = rng.standard_normal((12, 5)).astype(np.float32) * 0.2
        yield EcgRecord((w @ base).astype(np.float32), 500.0, LEADS, f"sim{i}", f"sim{i}")


def stream_worker(path: str, batches: int) -> dict:
    import resource

    from ecgtf.data.cache import SegmentCache, mix_caches

    cache = SegmentCache(path)
    gen = mix_caches([(cache, np.arange(len(cache)), 1.0)], window=512, batch_size=32, seed=0)
    next(gen)
    t = time.perf_counter()
    for _ in range(batches):
        next(gen)
    rate = batches * 32 / (time.perf_counter() - t)
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    kb = lambda k: float(status.get(k, "0 kB").split()[0]) / 1024  # noqa: E731
    return {"windows_per_s": rate, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "anon_mb": kb("RssAnon"), "file_mapped_mb": kb("RssFile")}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--records", type=int, nargs="+", default=[2500, 50000])
    p.add_argument("--out", type=Path, default=Path("/tmp/ecgtf-cache-bench"))
    p.add_argument("--batches", type=int, default=200)
    p.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        print("@@" + json.dumps(stream_worker(args.worker[0], int(args.worker[1]))))
        return 0
    from ecgtf.data.cache import CacheSpec, build_cache

    rows = []
    for n in args.records:
        path = args.out / f"n{n}"
        done = (path / "manifest.json").exists() and json.loads((path / "manifest.json").read_text())["complete"]
        t = time.perf_counter()
        build_cache(path, _records(n), CacheSpec(), source="simulated", total=n, progress=True)
        build_s = float("nan") if done else time.perf_counter() - t
        r = subprocess.run([sys.executable, __file__, "--worker", str(path), str(args.batches)], capture_output=True,
                           text=True)
        res = json.loads(next(ln for ln in r.stdout.splitlines() if ln.startswith("@@"))[2:])
        size = sum(f.stat().st_size for f in path.glob("shard_*.npy")) / 1e9
        rows.append((n, n / build_s, res["windows_per_s"], res["peak_rss_mb"], res["anon_mb"], res["file_mapped_mb"],
                     size))
    print(f"{'records':>8}{'build rec/s':>13}{'stream windows/s':>18}{'peak RSS MB':>13}{'anon MB':>9}"
          f"{'mapped MB':>11}{'cache GB':>10}")
    for n, b, s, m, a, f, g in rows:
        print(f"{n:>8}{b:>13.0f}{s:>18.0f}{m:>13.0f}{a:>9.0f}{f:>11.0f}{g:>10.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
