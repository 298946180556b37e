"""An on-disk cache of preprocessed 12-lead segments, built once and streamed with bounded memory.

Training on the full PTB-XL (21,799 records) or CinC 2021 (88,000) must not hold every record in
memory. :func:`build_cache` reads a source record by record, band-passes and resamples it to the
cache's rate, cuts it into fixed-length segments and appends them to shards::

    CACHE/
      spec.json             CacheSpec (rate, band, segment length) + source name and units
      shard_00000.npy       (n, 12, segment) float16, memory-mapped when read
      shard_00000.json      record ids, patient ids, labels of those n segments
      manifest.json         finished shards (with the SHA-256 of each file, verified when the cache is opened)
                            and the records they hold (written atomically last)

A shard is written under a temporary name and listed in the manifest only once complete, so an
interrupted build resumes at the first unfinished shard (records are processed in a fixed order).
:class:`SegmentCache` opens a cache with memory-mapped shards; :func:`mix_caches` draws random
windows from several caches with weights (the tf.data input of a trainer).
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np

from ecgtf.data.records import EcgRecord
from ecgtf.files import sha256_cached, sha256_file

CACHE_FORMAT = 1


@dataclass(frozen=True)
class CacheSpec:
    """How records are turned into cached segments."""

    fs: float = 100.0
    """Sampling rate of the cached segments (Hz)."""
    band_hz: tuple[float, float] = (0.5, 40.0)
    """Zero-phase Butterworth band-pass applied at the record's own rate, before resampling."""
    filter_order: int = 4
    segment_s: float = 10.0
    """Segment length (s); longer records give several consecutive segments, shorter ones are skipped."""
    shard_size: int = 512
    """Segments per shard file."""

    @property
    def segment(self) -> int:
        return int(round(self.segment_s * self.fs))


def _atomic_json(path: Path, obj) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(obj, indent=1))
    os.replace(tmp, path)


def preprocess_record(signal: np.ndarray, fs: float, spec: CacheSpec) -> np.ndarray:
    """(12, n) at ``fs`` → band-passed (12, m) at ``spec.fs`` (float32)."""
    from ecgtf.preprocessing.signal import bandpass_resample

    return bandpass_resample(signal, fs, spec.band_hz, spec.fs, spec.filter_order).astype(np.float32)


def build_cache(out_dir: str | Path, records: Iterable[EcgRecord], spec: CacheSpec = CacheSpec(),
                source: str = "", units: str = "mV", total: int | None = None, progress: bool = True,
                keep: Callable[[EcgRecord], bool] | None = None) -> dict:
    """Preprocess ``records`` into a sharded cache at ``out_dir``; resumes an interrupted build.

    ``records`` must come in the same order on every call (so a resumed build skips the records of
    finished shards). ``keep(record)`` may reject records (counted as skipped). Returns the manifest.
    """
    from ecgtf.progress import progress_bar

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    spec_doc = json.loads(json.dumps({"format": CACHE_FORMAT, "spec": asdict(spec), "source": source, "units": units}))
    spec_path = out / "spec.json"
    if spec_path.exists():
        old = json.loads(spec_path.read_text())
        if old != spec_doc:
            raise ValueError(f"{out} holds a cache built with other settings ({old}); use another folder or delete it")
    else:
        _atomic_json(spec_path, spec_doc)
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else \
        {"shards": [], "records_done": 0, "skipped": [], "complete": False}
    if manifest.get("complete"):
        return manifest
    skip_records = manifest["records_done"]
    buf, info = [], {"record_ids": [], "patient_ids": [], "labels": []}

    def flush():
        k = len(manifest["shards"])
        name = f"shard_{k:05d}"
        arr = np.stack(buf).astype(np.float16)
        tmp = out / f".{name}.npy.tmp"
        with open(tmp, "wb") as fh:
            np.save(fh, arr)
        os.replace(tmp, out / f"{name}.npy")
        _atomic_json(out / f"{name}.json", info)
        manifest["shards"].append({"name": name, "segments": int(len(arr)), "sha256": sha256_file(out / f"{name}.npy"),
                                   "info_sha256": sha256_file(out / f"{name}.json")})
        manifest["records_done"] = seen
        _atomic_json(manifest_path, manifest)
        buf.clear()
        for v in info.values():
            v.clear()

    seen = 0
    for rec in progress_bar(records, total=total, desc=f"caching {source or out.name}", disable=not progress or None):
        seen += 1
        if seen <= skip_records:
            continue
        if rec.units != units:
            raise ValueError(f"record {rec.record_id} is in {rec.units!r}, this cache holds {units!r}")
        if keep is not None and not keep(rec):
            manifest["skipped"].append([rec.record_id, "rejected by the source's filter"])
            continue
        x = preprocess_record(rec.signal, rec.fs, spec)
        n_seg = x.shape[1] // spec.segment
        if n_seg == 0:
            manifest["skipped"].append([rec.record_id, f"shorter than {spec.segment_s:g} s"])
            continue
        for s in range(n_seg):
            buf.append(x[:, s * spec.segment:(s + 1) * spec.segment])
            info["record_ids"].append(rec.record_id if n_seg == 1 else f"{rec.record_id}#{s}")
            info["patient_ids"].append(rec.patient_id)
            info["labels"].append(list(rec.labels))
        if len(buf) >= spec.shard_size:
            flush()
    if buf:
        flush()
    manifest["records_done"] = seen
    manifest["complete"] = True
    _atomic_json(manifest_path, manifest)
    return manifest


class SegmentCache:
    """A finished cache opened read-only; ``segments`` are memory-mapped (nothing loaded up front)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        rebuild = f"delete {self.path} and it is rebuilt from the records on the next use"
        try:
            doc = json.loads((self.path / "spec.json").read_text())
            manifest = json.loads((self.path / "manifest.json").read_text())
        except FileNotFoundError as exc:
            raise FileNotFoundError(f"{self.path} is not a segment cache (no spec.json/manifest.json); "
                                    "build it with ecgtf.data.cache.build_cache") from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValueError(f"{self.path}: corrupt cache index ({exc}); {rebuild}") from None
        if not isinstance(manifest, dict) or not isinstance(doc, dict):
            raise ValueError(f"{self.path}: corrupt cache index (not JSON objects); {rebuild}")
        if not manifest.get("complete"):
            raise ValueError(f"{self.path}: the cache build was interrupted; run it again to finish it")
        try:
            spec = dict(doc["spec"])
            spec["band_hz"] = tuple(spec["band_hz"])
            self.spec, self.units, self.source = CacheSpec(**spec), doc["units"], doc["source"]
            shards = [(s["name"], int(s["segments"]), s.get("sha256"), s.get("info_sha256"))
                      for s in manifest["shards"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{self.path}: corrupt cache index ({type(exc).__name__}: {exc}); {rebuild}") from None
        self.shards = []
        for name, n, digest, info_digest in shards:
            for file, want in ((self.path / f"{name}.npy", digest), (self.path / f"{name}.json", info_digest)):
                if want is not None and sha256_cached(file) != want:
                    raise ValueError(f"{file}: corrupt (its SHA-256 differs from the cache manifest's); {rebuild}")
            try:
                shard = np.load(self.path / f"{name}.npy", mmap_mode="r")
            except (OSError, ValueError, EOFError) as exc:
                raise ValueError(f"{self.path / name}.npy: unreadable shard ({exc}); {rebuild}") from None
            if shard.ndim != 3 or len(shard) != n or shard.shape[1:] != (12, self.spec.segment):
                raise ValueError(f"{self.path / name}.npy: shape {shard.shape}, the manifest says {n} segments of "
                                 f"(12, {self.spec.segment}); {rebuild}")
            self.shards.append(shard)
        self.sizes = np.array([len(s) for s in self.shards], dtype=np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)])
        self.skipped = manifest["skipped"]
        self._info = None

    def __len__(self) -> int:
        return int(self.offsets[-1])

    @property
    def info(self) -> dict:
        """Record ids, patient ids and labels of every segment (read on first use)."""
        if self._info is None:
            self._info = {"record_ids": [], "patient_ids": [], "labels": []}
            for i in range(len(self.shards)):
                d = json.loads((self.path / f"shard_{i:05d}.json").read_text())
                for k in self._info:
                    self._info[k].extend(d[k])
        return self._info

    def segment(self, i: int) -> np.ndarray:
        k = int(np.searchsorted(self.offsets, i, side="right") - 1)
        return np.asarray(self.shards[k][i - self.offsets[k]], dtype=np.float32)

    def segments(self, index: Sequence[int]) -> np.ndarray:
        return np.stack([self.segment(int(i)) for i in index])


def random_windows(cache: SegmentCache, index: np.ndarray, window: int, rng: np.random.Generator,
                   n: int) -> np.ndarray:
    """``n`` random windows (n, 12, window) from the segments in ``index`` (random segment, random offset)."""
    seg_len = cache.spec.segment
    if window > seg_len:
        raise ValueError(f"window of {window} samples is longer than the cached segments ({seg_len})")
    picks = rng.choice(index, size=n)
    starts = rng.integers(0, seg_len - window + 1, size=n)
    return np.stack([cache.segment(int(i))[:, s:s + window] for i, s in zip(picks, starts)])


def mix_caches(sources: Sequence[tuple[SegmentCache, np.ndarray, float]], window: int, batch_size: int,
               seed: int = 0) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Endless batches ``(windows (B, 12, window) float32, is_mv (B,) bool)`` drawn from several caches.

    ``sources``: (cache, segment indices to draw from, weight). Each window's source is drawn with
    probability proportional to its weight; ``is_mv`` says which windows carry millivolts.
    """
    rng = np.random.default_rng(seed)
    weights = np.array([w for _, _, w in sources], dtype=np.float64)
    if np.any(weights < 0) or weights.sum() <= 0:
        raise ValueError(f"source weights must be non-negative with a positive sum, got {weights.tolist()}")
    p = weights / weights.sum()
    while True:
        counts = rng.multinomial(batch_size, p)
        xs, mv = [], []
        for (cache, index, _), c in zip(sources, counts):
            if c:
                xs.append(random_windows(cache, index, window, rng, int(c)))
                mv.append(np.full(int(c), cache.units == "mV"))
        x, m = np.concatenate(xs), np.concatenate(mv)
        order = rng.permutation(batch_size)
        yield x[order], m[order]
