"""ME-GAN's data: 12-lead cardiac cycles ("beats") with disease conditions, from labelled 12-lead records.

Samples, as in the paper (Chen et al., ICML 2022, §5.1): one cardiac cycle of all 12 leads, at 500 Hz,
zero-padded (or cut) to 512 samples and min-max scaled to [0, 1] jointly over its 12 leads (the ratios
between leads are kept; the padding is 0, as in the authors' Nef-Net code). ecgtf's cycle: from 0.2 s
before an R peak to 0.2 s before the next one (so every beat has its R peak at sample 100), after a
zero-phase 0.5–40 Hz band-pass (the band the z-scored PTB-XL records were published in).

Conditions, the paper's three diseases as a multi-hot vector ``(LAD, RAD, RBBB)``; all zeros = none of
them. How each source's labels map (:func:`condition_vector`; the loaders' label names):

- PTB-XL (``ptb-xl/``, and the 248 labelled rows of ``ptb-xl-zscore/``): LAD = ``heart_axis`` LAD or
  ALAD; RAD = RAD or ARAD; RBBB = SCP code CRBBB (complete; IRBBB is not counted). 411 of the 500
  ``ptb-xl`` rows leave ``heart_axis`` empty: they count as "not LAD/RAD" (label noise, stated).
- LUDB (``ludb.csv``): "Electric axis of the heart: left/right axis deviation"; "Conduction
  abnormalities" complete right bundle branch block.
- CinC 2021 (SNOMED ``#Dx``): LAD 39732003, RAD 47665007, RBBB 59118001 / 713427006.
Unlabelled records (the other 1,536 z-scored PTB-XL records, CinC 2011) are not used.

Splits are by patient (records of one patient never straddle), stratified by each record's rarest
condition (RAD, then RBBB, then LAD, then none): 80 % train / 20 % test; the test beats are split
again by patient into the two "real halves" of rFID.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecgtf.data import labelled
from ecgtf.data.splits import stratified_patient_split  # noqa: F401 (used below, tested here)
from ecgtf.metrics import envelope_r_peaks

CONDITIONS = ("LAD", "RAD", "RBBB")
"""The paper's diseases, in the order of the condition vector."""

_LABEL_OF = {"LAD": ("LAD",), "RAD": ("RAD",), "RBBB": ("CRBBB",)}
"""Condition → the loaders' label names that mean it."""

SOURCES = ("ptb-xl", "ptb-xl-zscore", "ludb", "cinc2021")


@dataclass(frozen=True)
class BeatConfig:
    """How records become beats (the paper's sample definition; see the module docstring)."""

    fs: float = 500.0
    length: int = 512
    before_r_s: float = 0.2
    band_hz: tuple = (0.5, 40.0)
    min_rr_s: float = 0.3
    max_rr_s: float = 2.0
    max_beats_per_record: int = 4
    """Beats kept per record (a seeded random choice in :func:`load_beats`): balances records, bounds memory."""


@dataclass(frozen=True)
class MeganData:
    sources: tuple = SOURCES
    """Dataset names below the data root, or ``("synthetic",)`` (ecgtf's labelled generator; tests)."""
    data_dir: str | None = None
    n_synthetic: int = 60
    test_fraction: float = 0.2
    seed: int = 0


def condition_vector(labels) -> np.ndarray:
    """A record's labels → multi-hot ``(LAD, RAD, RBBB)`` float32 (see the module docstring)."""
    labels = set(labels)
    return np.array([any(n in labels for n in _LABEL_OF[c]) for c in CONDITIONS], np.float32)


def r_peaks(signal: np.ndarray, fs: float) -> np.ndarray:
    """QRS locations (sample indices) of a 12-lead record (12, n) (:func:`ecgtf.metrics.envelope_r_peaks`): peaks
    of the 5–25 Hz energy summed over leads and smoothed over 80 ms, at least 0.25 s apart and above 30 % of the
    record's 98th percentile."""
    return envelope_r_peaks(signal, fs, envelope="band", band_hz=(5.0, 25.0), smooth_s=0.08, min_rr_s=0.25,
                            percentile=98.0, edges="constant")[0]


def segment_beats(signal: np.ndarray, fs: float, config: BeatConfig = BeatConfig(),
                  rng: np.random.Generator | None = None) -> np.ndarray:
    """A 12-lead record (12, n) at ``fs`` Hz → beats (k, 12, length) float32 in [0, 1] (see module doc).

    Cycles with an RR interval outside [min_rr_s, max_rr_s] (missed or extra detections, pauses) and
    flat cycles are dropped; at most ``max_beats_per_record`` are kept, evenly spread (or at random
    with ``rng``)."""
    from ecgtf.preprocessing.signal import bandpass_resample

    x = bandpass_resample(np.asarray(signal, np.float64), fs, config.band_hz, config.fs)
    peaks = r_peaks(x, config.fs)
    before = int(round(config.before_r_s * config.fs))
    beats = []
    for r0, r1 in zip(peaks[:-1], peaks[1:]):
        rr = r1 - r0
        start = r0 - before
        if not config.min_rr_s * config.fs <= rr <= config.max_rr_s * config.fs or start < 0 or start + rr > x.shape[1]:
            continue
        cycle = x[:, start:start + min(rr, config.length)]
        lo, hi = cycle.min(), cycle.max()
        if hi - lo <= 1e-6:
            continue
        beat = np.zeros((x.shape[0], config.length), np.float32)
        beat[:, :cycle.shape[1]] = (cycle - lo) / (hi - lo)
        beats.append(beat)
    if not beats:
        return np.zeros((0, x.shape[0], config.length), np.float32)
    beats = np.stack(beats)
    k = config.max_beats_per_record
    if len(beats) > k:
        pick = (np.sort(rng.choice(len(beats), k, replace=False)) if rng is not None
                else np.round(np.linspace(0, len(beats) - 1, k)).astype(int))
        beats = beats[pick]
    return beats


def labelled_records(data: MeganData, progress: bool = False):
    """Every labelled 12-lead record of ``data.sources`` (:func:`ecgtf.data.labelled.labelled_records`)."""
    if tuple(data.sources) != ("synthetic",):
        bad = [s for s in data.sources if s not in SOURCES]
        if bad:
            raise ValueError(f"ME-GAN data source {bad[0]!r}: expected some of {SOURCES} or 'synthetic'")
    return labelled.labelled_records(data.sources, data.data_dir, data.n_synthetic, data.seed, progress)


def _stratum(cond: np.ndarray) -> int:
    """The record's rarest condition (RAD, RBBB, LAD) or 0 for none: the split's stratum."""
    for rank, c in enumerate(("RAD", "RBBB", "LAD"), start=1):
        if cond[CONDITIONS.index(c)]:
            return rank
    return 0


def alternating_halves(patients, strata, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Record indices of two patient-disjoint halves: patients ordered by stratum (shuffled within) and
    dealt alternately, so both halves get every stratum and neither is empty (≥ 2 patients)."""
    patients, strata = np.asarray([str(p) for p in patients]), np.asarray(strata)
    rng = np.random.default_rng([seed, 100])
    uniq = np.unique(patients)
    top = np.array([strata[patients == p].max() for p in uniq])
    order = np.lexsort((rng.permutation(len(uniq)), top))
    first = set(uniq[order[0::2]])
    in_first = np.array([p in first for p in patients])
    return np.flatnonzero(in_first), np.flatnonzero(~in_first)


def load_beats(config: BeatConfig, data: MeganData, progress: bool = False) -> dict:
    """All beats with their conditions and record bookkeeping.

    Returns ``{"beats": (N, 12, L) float32 in [0, 1], "conditions": (N, 3) float32, "record": (N,) int,
    "records": [{"id", "patient", "source", "conditions", "labels"}…], "skipped": [(id, reason)…]}``.
    """
    beats, conds, rec_index, records, skipped = [], [], [], [], []
    rng = np.random.default_rng([data.seed, 7])
    for rec in labelled_records(data, progress=progress):
        try:
            b = segment_beats(rec.signal, rec.fs, config, rng)
        except ValueError as exc:
            skipped.append((rec.record_id, str(exc)))
            continue
        if not len(b):
            skipped.append((rec.record_id, "no usable cardiac cycle"))
            continue
        cond = condition_vector(rec.labels)
        records.append({"id": rec.record_id, "patient": f"{rec.meta.get('source')}:{rec.patient_id}",
                        "source": rec.meta.get("source"), "conditions": cond, "labels": tuple(rec.labels)})
        beats.append(b)
        conds.append(np.repeat(cond[None], len(b), axis=0))
        rec_index.append(np.full(len(b), len(records) - 1))
    if not beats:
        raise ValueError(f"no beats could be cut from the sources {list(data.sources)} (data root "
                         f"{data.data_dir or '$ECGTF_DATA'}): expected labelled 12-lead records")
    return {"beats": np.concatenate(beats), "conditions": np.concatenate(conds),
            "record": np.concatenate(rec_index), "records": records, "skipped": skipped}


def split_beats(pool: dict, data: MeganData) -> dict:
    """Train / test beats by patient (stratified), the test beats again into rFID's two real halves."""
    patients = [r["patient"] for r in pool["records"]]
    strata = [_stratum(r["conditions"]) for r in pool["records"]]
    train_rec, test_rec = stratified_patient_split(patients, strata, (1 - data.test_fraction, data.test_fraction),
                                                   data.seed)
    half1, half2 = alternating_halves([patients[i] for i in test_rec], [strata[i] for i in test_rec], data.seed)
    out = {}
    for name, recs in (("train", train_rec), ("test", test_rec), ("real_half1", test_rec[half1]),
                       ("real_half2", test_rec[half2])):
        mask = np.isin(pool["record"], recs)
        out[name] = {"beats": pool["beats"][mask], "conditions": pool["conditions"][mask],
                     "record": pool["record"][mask]}
    out["records"], out["skipped"] = pool["records"], pool["skipped"]
    return out


def load_splits(run, progress: bool = False) -> dict:
    """The run's splits (:func:`split_beats` of :func:`load_beats`)."""
    return split_beats(load_beats(run.preprocessing, run.data, progress=progress), run.data)


def count_table(splits: dict) -> str:
    """Markdown table: beats and records per condition and split."""
    rows = ["| split | beats | records | " + " | ".join(CONDITIONS) + " | none |", "|---|---:|---:|" + "---:|" * 4]
    for name in ("train", "test"):
        s = splits[name]
        rec_ids = np.unique(s["record"])
        rc = np.stack([splits["records"][i]["conditions"] for i in rec_ids]) if len(rec_ids) else np.zeros((0, 3))
        cells = [f"{int(rc[:, k].sum())} rec / {int(s['conditions'][:, k].sum())} beats" for k in range(3)]
        none_rec = int(np.sum(rc.sum(1) == 0))
        rows.append(f"| {name} | {len(s['beats'])} | {len(rec_ids)} | " + " | ".join(cells) + f" | {none_rec} rec |")
    return "\n".join(rows)
