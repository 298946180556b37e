"""The classifier's data: labelled 12-lead records, their labels with a *known* mask, and the splits.

Classes (multi-label) and which sources state them (an unstated class is masked out of the loss and
of the scores, never taken as negative):

| class | PTB-XL (`ptb-xl`, labelled `ptb-xl-zscore` rows) | LUDB | CinC 2021 | synthetic |
|---|---|---|---|---|
| NORM  | SCP NORM (normal ECG) | – (no such statement) | – (its 426783006 is *sinus rhythm*) | generated NORM |
| CLBBB, CRBBB, AFIB | SCP codes | conduction / rhythm text | SNOMED 164909002, 733534002 / 59118001, 713427006 / 164889003 | generated condition |
| LAD, RAD | `heart_axis` (empty in 411 of the 500 `ptb-xl` rows: "not stated" counts as negative, label noise) | electric-axis text | SNOMED 39732003 / 47665007 | only on LAD/RAD records |

Splits (patient-disjoint): **test** = PTB-XL folds 9–10 (mV) + all of LUDB (mV, external) — records
whose Lead I no reconstructor in ecgtf was trained on (the reconstructors train on folds 1–8, CinC
2011/2021 and the z-scored records; fold 9 served them as validation); **train/val** = the rest
(PTB-XL folds 1–8, the 248 labelled z-scored PTB-XL records whose patient is not in the test set, CinC
2021) split by patient, stratified by each record's rarest class, into ``1 − val_fraction`` /
``val_fraction``; synthetic records (``n_synthetic``) join the training split only, so validation —
model selection and thresholds — sees real records alone.

Preprocessing (:class:`ClassifierPreprocessing`; every record, every source, reconstructions alike):
zero-phase Butterworth band-pass 0.5–40 Hz (the band the z-scored records were published in),
resample to ``fs``, keep the first ``n_samples`` (zero-pad a shorter record at the end), then z-score
each lead over the record (a flat lead stays 0). Amplitudes are therefore not used: the z-scored
records have none, and a reconstruction is judged on its shapes.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecgtf.data.labelled import labelled_records

CLASSES = ("NORM", "CLBBB", "CRBBB", "AFIB", "LAD", "RAD")
"""Class order of the label vectors and the network's outputs."""

_STATED = {"ptb-xl": CLASSES, "ptb-xl-zscore": CLASSES, "ludb": CLASSES[1:], "cinc2021": CLASSES[1:]}
"""Source → the classes its labels state (the rest are unknown, masked)."""

TEST_SOURCES = ("ptb-xl", "ludb")
SOURCES = ("ptb-xl", "ptb-xl-zscore", "ludb", "cinc2021")


@dataclass(frozen=True)
class ClassifierPreprocessing:
    """Record → network input; ``fs``/``n_samples`` default to the paper's 400 Hz × 4,096 samples."""

    fs: float = 400.0
    n_samples: int = 4096
    band_hz: tuple = (0.5, 40.0)
    filter_order: int = 4
    leads: tuple = ("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6")
    """Input leads (``("I",)`` for the Lead-I-only classifier)."""


@dataclass(frozen=True)
class ClassifierData:
    """Where the labelled records come from and how they are split (see the module docstring)."""

    sources: tuple = SOURCES
    """Dataset names below the data root, or ``("synthetic",)`` (tests, demos)."""
    data_dir: str | None = None
    test_folds: tuple = (9, 10)
    """PTB-XL folds held out for testing (LUDB is always test)."""
    n_synthetic: int = 0
    """Synthetic records (ecgtf's dipole generator, conditions cycled) added to the training pool."""
    val_fraction: float = 0.15
    seed: int = 0


def preprocess(signal: np.ndarray, fs: float, pre: ClassifierPreprocessing, lead_names=None) -> np.ndarray:
    """A record ``(n_leads, n)`` (any units) at ``fs`` Hz → network input ``(n_samples, len(pre.leads))`` float32.

    ``lead_names`` (default: the 12 canonical leads) names the rows of ``signal``; the rows of
    ``pre.leads`` are picked from them."""
    from ecgtf.leads import LEADS, normalize_lead_name
    from ecgtf.preprocessing.signal import bandpass_resample

    x = np.asarray(signal, np.float64)
    names = [normalize_lead_name(n) for n in (lead_names or LEADS)]
    if x.ndim != 2 or x.shape[0] != len(names):
        raise ValueError(f"expected a record of shape ({len(names)}, n_samples), got {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("the record holds NaN or infinite samples")
    try:
        rows = [names.index(normalize_lead_name(n)) for n in pre.leads]
    except ValueError:
        raise ValueError(f"the classifier needs leads {list(pre.leads)}, the record has {names}") from None
    x = bandpass_resample(x[rows], fs, pre.band_hz, pre.fs, order=pre.filter_order)
    out = np.zeros((len(rows), pre.n_samples))
    k = min(pre.n_samples, x.shape[1])
    seg = x[:, :k]
    std = seg.std(axis=1, keepdims=True)
    out[:, :k] = np.where(std > 1e-8, (seg - seg.mean(axis=1, keepdims=True)) / np.maximum(std, 1e-8), 0.0)
    return out.T.astype(np.float32)


def label_vectors(labels, source: str, synthetic_condition: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A record's labels → ``(y, known)`` float32 vectors over :data:`CLASSES`."""
    labels = set(labels)
    y = np.array([c in labels for c in CLASSES], np.float32)
    if source == "synthetic":
        stated = {"NORM", "CLBBB", "CRBBB", "AFIB"} | ({"LAD", "RAD"} if synthetic_condition in ("LAD", "RAD") else set())
    else:
        stated = set(_STATED.get(source, ()))
    return y, np.array([c in stated for c in CLASSES], np.float32)


def _stratum(y: np.ndarray, known: np.ndarray) -> int:
    """Rarest stated positive class (CLBBB, CRBBB, RAD, AFIB, LAD, NORM) as a stratum id; 0 = none."""
    for rank, c in enumerate(("CLBBB", "CRBBB", "RAD", "AFIB", "LAD"), start=1):
        k = CLASSES.index(c)
        if y[k] and known[k]:
            return rank
    return 0


def load_records(data: ClassifierData, progress: bool = False) -> list[dict]:
    """Every labelled record: ``{"signal", "fs", "lead_names", "id", "patient", "source", "fold", "y", "known",
    "units"}`` (PTB-XL duplicates dropped; unreadable records skipped by the loaders with a warning)."""
    out = []
    sources = tuple(data.sources)
    real = tuple(s for s in sources if s != "synthetic")
    if real:
        for rec in labelled_records(real, data.data_dir, progress=progress):
            src = rec.meta["source"]
            y, known = label_vectors(rec.labels, src)
            out.append({"signal": rec.signal, "fs": rec.fs, "lead_names": tuple(rec.lead_names),
                        "id": f"{src}:{rec.record_id}", "patient": f"{'ptb-xl' if src.startswith('ptb-xl') else src}:"
                        f"{rec.patient_id}", "source": src, "fold": (rec.meta or {}).get("strat_fold"),
                        "y": y, "known": known, "units": rec.units})
    n_syn = data.n_synthetic or (120 if "synthetic" in sources else 0)
    if n_syn:
        from ecgtf.data.synthetic import REALISTIC_RANGES, generate_dataset
        from ecgtf.leads import LEADS

        # Gaussian waves for every class: learned beats exist for all but the bundle-branch blocks, so a
        # classifier could tell those by the beats' style instead of their conduction
        signals, labels, _ = generate_dataset(n_syn, seed=data.seed + 1000, conditions=CLASSES, ranges=REALISTIC_RANGES)
        for i, (sig, lab) in enumerate(zip(signals, labels)):
            y, known = label_vectors((lab,), "synthetic", lab)
            out.append({"signal": sig, "fs": 500.0, "lead_names": tuple(LEADS), "id": f"synthetic:{i}",
                        "patient": f"synthetic:{i}", "source": "synthetic", "fold": None, "y": y, "known": known,
                        "units": "mV"})
    if not out:
        raise ValueError(f"no labelled records found for sources {list(sources)} below the data root "
                         f"{data.data_dir or '$ECGTF_DATA'}")
    return out


def split_records(records: list[dict], data: ClassifierData) -> dict[str, np.ndarray]:
    """``{"train", "val", "test"}`` → record indices (patient-disjoint; see the module docstring).

    With only synthetic records, the test split is a patient-disjoint 20 % of them."""
    from ecgtf.data.splits import stratified_patient_split

    src = np.array([r["source"] for r in records])
    is_test = np.array([(s == "ptb-xl" and r["fold"] in data.test_folds) or s == "ludb"
                        for s, r in zip(src, records)])
    strata = np.array([_stratum(r["y"], r["known"]) for r in records])
    patients = np.array([r["patient"] for r in records])
    if not is_test.any():
        rest, test = stratified_patient_split(patients, strata, (0.8, 0.2), data.seed + 17)
        is_test = np.isin(np.arange(len(records)), test)
    test_patients = set(patients[is_test])
    pool = ~is_test & ~np.isin(patients, list(test_patients))
    extra = pool & (src == "synthetic") if (src != "synthetic").any() else np.zeros(len(records), bool)
    pool = np.flatnonzero(pool & ~extra)     # synthetic records next to real ones: training only, never validation
    tr, va = stratified_patient_split(patients[pool], strata[pool], (1 - data.val_fraction, data.val_fraction),
                                      data.seed)
    return {"train": np.sort(np.concatenate([pool[tr], np.flatnonzero(extra)])), "val": pool[va],
            "test": np.flatnonzero(is_test)}


def arrays(records: list[dict], idx, pre: ClassifierPreprocessing) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(x (N, n_samples, n_leads), y (N, C), known (N, C))`` of the records at ``idx``."""
    idx = np.asarray(idx, int)
    x = np.stack([preprocess(records[i]["signal"], records[i]["fs"], pre, records[i]["lead_names"]) for i in idx]) \
        if len(idx) else np.zeros((0, pre.n_samples, len(pre.leads)), np.float32)
    y = np.stack([records[i]["y"] for i in idx]) if len(idx) else np.zeros((0, len(CLASSES)), np.float32)
    known = np.stack([records[i]["known"] for i in idx]) if len(idx) else np.zeros((0, len(CLASSES)), np.float32)
    return x, y, known


def load_splits(run, progress: bool = False) -> dict:
    """The run's splits: ``{"train"|"val"|"test": {"x", "y", "known", "ids", "sources"}, "records": [...]}``."""
    records = load_records(run.data, progress=progress)
    parts = split_records(records, run.data)
    out = {"records": records}
    for name, idx in parts.items():
        x, y, known = arrays(records, idx, run.preprocessing)
        out[name] = {"x": x, "y": y, "known": known, "index": idx, "ids": [records[i]["id"] for i in idx],
                     "sources": [records[i]["source"] for i in idx]}
    return out


def count_table(splits: dict) -> str:
    """Markdown table: records per split and source, positives per class (stated labels only)."""
    head = "| split | source | records | " + " | ".join(CLASSES) + " |"
    rows = [head, "|---|---|---:|" + "---:|" * len(CLASSES)]
    for name in ("train", "val", "test"):
        s = splits[name]
        srcs = np.array(s["sources"])
        for src in [*sorted(set(srcs)), "all"]:
            m = np.ones(len(srcs), bool) if src == "all" else srcs == src
            pos = (s["y"][m] * s["known"][m]).sum(0)
            cells = [f"{int(p)}" if s["known"][m][:, k].any() else "–" for k, p in enumerate(pos)]
            label = f"**{name}**" if src == "all" else name
            rows.append(f"| {label} | {src} | {int(m.sum())} | " + " | ".join(cells) + " |")
    return "\n".join(rows)
