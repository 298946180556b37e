"""Clean MIT-BIH fragments, Noise Stress Test noise, and their mixtures at a given SNR.

Clean signal: lead MLII of MIT-BIH records (mV, 360 Hz). Noise: the NSTDB noise records ``bw``
(baseline wander) and ``ma`` (muscle artefact), both channels, and ``mix`` = bw + ma at equal power
(``em`` is not used: it is the noise of the 118e/119e test records, which must stay unseen).

No test patient and no test noise segment is seen in training:
- records: :attr:`DenoiserData.train_records` for training (their last ``val_fraction`` for
  validation), :attr:`DenoiserData.test_records` only for the bench; 118 and 119 in neither (the
  NSTDB's 118e*/119e* are built from them);
- noise: each noise record is split in time: the first ``noise_train_fraction`` for training and
  validation, the part from ``noise_test_start`` on for testing (the gap keeps the two apart).

SNR (dB) = 10 log10(Σ s² / Σ n²) over the mixed stretch, with s the clean signal minus its mean
and n the noise minus its mean (power ratio; the NSTDB's own ``nst`` tool measures QRS amplitude
instead, so its nominal SNRs are not the same scale).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

NOISE_KINDS = ("bw", "ma", "mix")
"""Noise types: NSTDB baseline wander, muscle artefact, and both at equal power."""


@dataclass(frozen=True)
class DenoiseWindow:
    """How signals are cut for the denoiser: ``length`` samples of ``lead`` at ``fs`` Hz (paper: 1,024
    samples of MLII at 360 Hz = 2.84 s); long recordings are denoised in windows ``hop`` apart and
    stitched by weighted overlap-add."""

    fs: float = 360.0
    length: int = 1024
    hop: int = 512
    lead: str = "MLII"

    def __post_init__(self) -> None:
        if not 50 <= self.fs <= 2000:
            raise ValueError(f"fs must be 50–2000 Hz, got {self.fs}")
        if self.length < 16 or self.length % 16:
            raise ValueError(f"length must be a multiple of 16 (≥ 16), got {self.length}")
        if not 0 < self.hop <= self.length:
            raise ValueError(f"hop must be in 1..length, got {self.hop}")


@dataclass(frozen=True)
class DenoiserData:
    """Where clean signal and noise come from and how they are split (see the module docstring).

    ``source``: "mitdb" (MIT-BIH + NSTDB below the data root), or "synthetic" (ecgtf's simulator
    and synthetic wander/EMG noise, for smoke tests). The paper used 15 MIT-BIH records; its text
    available here (the abstract) does not list them, so these 15 are ours: 11 to train, 4 to test.
    """

    source: str = "mitdb"
    data_dir: str | None = None
    train_records: tuple[int, ...] = (100, 101, 103, 105, 106, 111, 112, 113, 115, 116, 122)
    test_records: tuple[int, ...] = (205, 213, 219, 223)
    noise_kinds: tuple[str, ...] = NOISE_KINDS
    train_snr_db: tuple[float, float] = (-6.0, 18.0)
    """Training SNRs are drawn uniformly from this range for every fragment."""
    test_snr_db: tuple[float, ...] = (-6.0, 0.0, 6.0, 12.0)
    noise_train_fraction: float = 0.7
    noise_test_start: float = 0.75
    val_fraction: float = 0.1
    n_synthetic: int = 12
    seed: int = 0

    def __post_init__(self) -> None:
        overlap = set(self.train_records) & set(self.test_records)
        if overlap:
            raise ValueError(f"records {sorted(overlap)} are in both train_records and test_records")
        bad = [k for k in self.noise_kinds if k not in NOISE_KINDS]
        if bad:
            raise ValueError(f"unknown noise kinds {bad}; expected some of {NOISE_KINDS}")
        if not 0 < self.noise_train_fraction <= self.noise_test_start < 1:
            raise ValueError("expected 0 < noise_train_fraction ≤ noise_test_start < 1, got "
                             f"{self.noise_train_fraction}, {self.noise_test_start}")
        lo, hi = self.train_snr_db
        if not lo <= hi:
            raise ValueError(f"train_snr_db must be (low, high), got {self.train_snr_db}")


# -- signals -------------------------------------------------------------------------------------------
def load_clean(directory: str | Path, records, lead: str = "MLII") -> dict:
    """{record: lead ``lead`` (n,) float32 in mV at 360 Hz} of annotated MIT-BIH-format records (also the
    NSTDB's 118e06 …), the lead found by name."""
    from ecgtf.data.mitdb import lead_signal, load_mitdb_record

    return {r: lead_signal(load_mitdb_record(directory, r)[0], lead, Path(directory) / str(r)).astype(np.float32)
            for r in records}


def load_noise(directory: str | Path, kinds=("bw", "ma")) -> dict[str, np.ndarray]:
    """{kind: (2, n) float32 mV at 360 Hz} of the NSTDB noise records."""
    from ecgtf.data.mitdb import load_nstdb_noise

    return {k: load_nstdb_noise(directory, k).signal.astype(np.float32) for k in kinds}


def synthetic_sources(n_records: int, fs: float, seed: int, seconds: float = 60.0):
    """Clean lead II of synthetic records and synthetic noise {"bw": (2, n), "ma": (2, n)} (smoke tests)."""
    from ecgtf.data.synthetic import SyntheticConfig, generate_record

    clean = {i: generate_record(SyntheticConfig(duration_s=seconds, fs=fs, baseline_wander_mv=0.0, emg_mv=0.0,
                                                  powerline_mv=0.0), seed=seed * 1000 + i).signal[1]
             .astype(np.float32) for i in range(n_records)}
    rng = np.random.default_rng(seed + 7)
    n = int(seconds * fs * 2)
    t = np.arange(n) / fs
    bw = np.stack([sum(rng.normal() * np.sin(2 * np.pi * f * t + rng.uniform(0, 6.3))
                       for f in rng.uniform(0.05, 0.6, 4)) for _ in range(2)])
    from scipy.signal import butter, sosfiltfilt

    ma = sosfiltfilt(butter(4, [20, min(150, fs / 2 - 1)], "bandpass", fs=fs, output="sos"), rng.normal(size=(2, n)))
    return clean, {"bw": bw.astype(np.float32), "ma": ma.astype(np.float32)}


# -- mixing ----------------------------------------------------------------------------------------------
def noise_span(n: int, part: str, data: DenoiserData) -> slice:
    """The samples of a noise record used for ``part`` ("train" or "test")."""
    if part == "train":
        return slice(0, int(n * data.noise_train_fraction))
    if part == "test":
        return slice(int(n * data.noise_test_start), n)
    raise ValueError(f"part must be 'train' or 'test', got {part!r}")


def power(x: np.ndarray) -> np.ndarray:
    """Mean power of ``x`` minus its mean, over the last axis."""
    x = np.asarray(x, np.float64)
    return np.mean((x - x.mean(-1, keepdims=True)) ** 2, axis=-1)


def scale_to_snr(clean: np.ndarray, noise: np.ndarray, snr_db) -> np.ndarray:
    """``noise`` (mean removed) scaled so that 10 log10(P_clean / P_noise) = ``snr_db`` (over the last axis)."""
    noise = np.asarray(noise, np.float64)
    noise = noise - noise.mean(-1, keepdims=True)
    gain = np.sqrt(power(clean) / np.maximum(power(noise), 1e-12) / 10 ** (np.asarray(snr_db, np.float64) / 10))
    return noise * np.asarray(gain)[..., None]


class NoiseBank:
    """Noise of one part (train/test) of each kind; ``draw`` cuts a fragment of a kind at random."""

    def __init__(self, noise: dict[str, np.ndarray], part: str, data: DenoiserData):
        self.parts = {k: v[:, noise_span(v.shape[-1], part, data)] for k, v in noise.items()}

    def fragment(self, kind: str, length: int, rng: np.random.Generator, channel: int | None = None,
                 start: int | None = None) -> np.ndarray:
        """A (length,) noise fragment: ``bw``/``ma``, or ``mix`` = both at equal power."""
        if kind == "mix":
            parts = [self.fragment(k, length, rng, channel, start) for k in ("bw", "ma")]
            return sum(p / np.sqrt(max(power(p), 1e-12)) for p in parts).astype(np.float32)
        x = self.parts[kind]
        c = int(rng.integers(x.shape[0])) if channel is None else channel
        s = int(rng.integers(x.shape[1] - length + 1)) if start is None else start
        if s + length > x.shape[1]:
            raise ValueError(f"noise {kind}: {length} samples from {s} exceed its {x.shape[1]}-sample part")
        return x[c, s:s + length]


def random_pairs(clean: dict[int, np.ndarray], bank: NoiseBank, n: int, length: int, kinds, snr_range,
                 rng: np.random.Generator, span: tuple[float, float] = (0.0, 1.0)):
    """``n`` (noisy, clean) fragment pairs (n, length) float32 in mV: a random stretch of a random record
    (within the fraction ``span`` of each record), a random noise kind and a uniform SNR in ``snr_range``."""
    keys = sorted(clean)
    noisy_out = np.empty((n, length), np.float32)
    clean_out = np.empty((n, length), np.float32)
    for i in range(n):
        x = clean[keys[int(rng.integers(len(keys)))]]
        lo, hi = int(span[0] * x.size), int(span[1] * x.size) - length
        s = int(rng.integers(lo, hi + 1))
        c = x[s:s + length]
        noise = bank.fragment(kinds[int(rng.integers(len(kinds)))], length, rng)
        noisy_out[i] = c + scale_to_snr(c, noise, rng.uniform(*snr_range))
        clean_out[i] = c
    return noisy_out, clean_out


def load_sources(window: DenoiseWindow, data: DenoiserData) -> dict:
    """{"train": {record: signal}, "test": {record: signal}, "noise": {kind: (2, n)}} in mV at ``window.fs``."""
    if data.source == "synthetic":
        clean, noise = synthetic_sources(data.n_synthetic, window.fs, data.seed)
        cut = max(1, int(0.75 * len(clean)))
        return {"train": {k: v for k, v in clean.items() if k < cut},
                "test": {k: v for k, v in clean.items() if k >= cut}, "noise": noise}
    from ecgtf.data.sources import dataset_dir

    if window.fs != 360.0:
        raise ValueError(f"MIT-BIH and the NSTDB are sampled at 360 Hz; this window asks for {window.fs:g} Hz")
    mitdb = Path(data.source) if data.source != "mitdb" else dataset_dir("mitdb", data.data_dir)
    nstdb = dataset_dir("nstdb", data.data_dir)
    return {"train": load_clean(mitdb, data.train_records, window.lead),
            "test": load_clean(mitdb, data.test_records, window.lead),
            "noise": load_noise(nstdb, ("bw", "ma"))}


def validation_pairs(sources: dict, window: DenoiseWindow, data: DenoiserData, n: int = 256):
    """Fixed validation pairs: the last ``val_fraction`` of each training record, training noise."""
    bank = NoiseBank(sources["noise"], "train", data)
    rng = np.random.default_rng([data.seed, 99])
    return random_pairs(sources["train"], bank, n, window.length, data.noise_kinds, data.train_snr_db, rng,
                        span=(1.0 - data.val_fraction, 1.0))


def load_splits(run, progress: bool = False) -> dict:
    sources = load_sources(run.preprocessing, run.data)
    sources["validation"] = validation_pairs(sources, run.preprocessing, run.data)
    return sources
