"""Patient-level splits: a patient's records never appear in two sets."""
from __future__ import annotations

from typing import Sequence

import numpy as np


def split_by_patient(patient_ids: Sequence[str], fractions: Sequence[float] = (0.8, 0.1, 0.1),
                     seed: int = 0) -> list[np.ndarray]:
    """Record indices for each split, grouping by patient; fractions are of patients.

    Returns one index array per fraction. Deterministic per seed.
    """
    fractions = np.asarray(fractions, dtype=float)
    if np.any(fractions < 0) or not np.isclose(fractions.sum(), 1.0):
        raise ValueError(f"fractions must be non-negative and sum to 1, got {fractions.tolist()}")
    pids = np.asarray([str(p) for p in patient_ids])
    unique = np.unique(pids)
    rng = np.random.default_rng(seed)
    rng.shuffle(unique)
    bounds = np.round(np.cumsum(fractions) * unique.size).astype(int)
    groups = np.split(unique, bounds[:-1])
    return [np.flatnonzero(np.isin(pids, g)) for g in groups]


def split_by_fold(folds: Sequence[int], train=range(1, 9), val=(9,), test=(10,)) -> list[np.ndarray]:
    """Indices for PTB-XL's official ``strat_fold`` split (default 1–8 / 9 / 10; folds are patient-disjoint)."""
    folds = np.asarray(folds)
    return [np.flatnonzero(np.isin(folds, list(s))) for s in (train, val, test)]


def assert_patient_disjoint(patient_ids: Sequence[str], *splits: np.ndarray) -> None:
    """Raise ``ValueError`` if any patient has records in two of ``splits``."""
    pids = np.asarray([str(p) for p in patient_ids])
    sets = [set(pids[s]) for s in splits]
    for i in range(len(sets)):
        for j in range(i + 1, len(sets)):
            both = sets[i] & sets[j]
            if both:
                raise ValueError(f"splits {i} and {j} share {len(both)} patients, e.g. {sorted(both)[:3]}")


def stratified_patient_split(patients, strata, fractions, seed: int) -> list[np.ndarray]:
    """Record indices per fraction: patients split within each stratum (a patient's stratum is the
    highest of its records'), so rare conditions reach every split and no patient straddles two."""
    patients, strata = np.asarray([str(p) for p in patients]), np.asarray(strata)
    patient_stratum = {}
    for p, s in zip(patients, strata):
        patient_stratum[p] = max(patient_stratum.get(p, 0), int(s))
    per_record = np.array([patient_stratum[p] for p in patients])
    out = [[] for _ in fractions]
    for s in np.unique(per_record):
        idx = np.flatnonzero(per_record == s)
        for k, part in enumerate(split_by_patient(patients[idx], fractions, seed=seed + int(s))):
            out[k].append(idx[part])
    return [np.sort(np.concatenate(parts)) if parts else np.zeros(0, int) for parts in out]
