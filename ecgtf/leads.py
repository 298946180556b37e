"""Lead names, the canonical 12-lead order, and the limb-lead laws.

Arrays in ecgtf are *lead-major*: shape ``(..., n_leads, n_samples)``.

Einthoven:   III = II - I
Goldberger:  aVR = -(I + II) / 2,   aVL = I - II / 2,   aVF = II - I / 2
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

LEADS: tuple[str, ...] = ("I", "II", "III", "aVR", "aVL", "aVF",
                          "V1", "V2", "V3", "V4", "V5", "V6")
"""Canonical 12-lead order used everywhere in ecgtf (datasets, models, exports)."""

LIMB_LEADS = LEADS[:6]
DERIVED_LIMB_LEADS = ("III", "aVR", "aVL", "aVF")
INDEPENDENT_LEADS = ("I", "II", "V1", "V2", "V3", "V4", "V5", "V6")

_ALIASES = {name.upper(): name for name in LEADS}
_ALIASES.update({"D1": "I", "D2": "II", "D3": "III", "MLI": "I", "MLII": "II", "MLIII": "III"})


def normalize_lead_name(name: str) -> str:
    """Map a lead name in any common spelling (``avr``, ``AVR``, ``aVR``, ``v1``) to canonical form.

    Raises ``ValueError`` for names that are not one of the 12 standard leads.
    """
    key = str(name).strip().upper().replace(" ", "").replace("-", "")
    if key not in _ALIASES:
        raise ValueError(f"unknown lead name {name!r}; expected one of {', '.join(LEADS)} "
                         "(case-insensitive)")
    return _ALIASES[key]


def lead_index(name: str) -> int:
    """Index of a lead in :data:`LEADS`."""
    return LEADS.index(normalize_lead_name(name))


def reorder_leads(signal: np.ndarray, names: Sequence[str],
                  order: Iterable[str] = LEADS) -> np.ndarray:
    """Reorder a lead-major array ``(..., len(names), n)`` into ``order`` (default canonical).

    Raises ``ValueError`` naming the missing leads if ``names`` lacks any lead of ``order``.
    """
    canonical = [normalize_lead_name(n) for n in names]
    if signal.shape[-2] != len(canonical):
        raise ValueError(f"signal has {signal.shape[-2]} leads on axis -2 but {len(canonical)} names")
    order = [normalize_lead_name(n) for n in order]
    missing = [n for n in order if n not in canonical]
    if missing:
        raise ValueError(f"missing leads {missing}; have {canonical}")
    return signal[..., [canonical.index(n) for n in order], :]


LIMB_COORDINATES = {"I": (1.0, 0.0), "II": (0.0, 1.0), "III": (-1.0, 1.0), "aVR": (-0.5, -0.5),
                    "aVL": (1.0, -0.5), "aVF": (-0.5, 1.0)}
"""Each limb lead as a combination of (I, II): Einthoven's and Goldberger's laws."""


def derive_limb_leads(lead_i: np.ndarray, lead_ii: np.ndarray) -> dict[str, np.ndarray]:
    """III, aVR, aVL, aVF from I and II (Einthoven and Goldberger); works on any array shape."""
    return {name: a * lead_i + b * lead_ii for name, (a, b) in LIMB_COORDINATES.items() if name not in ("I", "II")}


def lead_names(leads) -> tuple[str, ...]:
    """The canonical names of ``leads`` (a sequence, or ``"I,II"``); ``ValueError`` for an unknown or a repeated one."""
    if isinstance(leads, str):
        leads = [part for part in leads.split(",") if part.strip()]
    names = tuple(normalize_lead_name(str(n).strip()) for n in leads)
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"leads {list(leads)}: {repeated} given twice")
    if not names:
        raise ValueError("leads: expected at least one lead name")
    return names


def set_key(given) -> str:
    """The key of a set of leads in canonical order: ``("V2", "I")`` → ``"I+V2"``."""
    names = set(lead_names(given))
    return "+".join(n for n in LEADS if n in names)


def known_leads(given) -> tuple[str, ...]:
    """The leads known exactly when ``given`` are recorded: themselves and, from two limb leads on, all six limb
    leads (Einthoven, Goldberger), in canonical order."""
    names = set(lead_names(given))
    if len(names & set(LIMB_COORDINATES)) >= 2:
        names |= set(LIMB_COORDINATES)
    return tuple(n for n in LEADS if n in names)


def best_subset(keys, given) -> str | None:
    """Of the lead-set ``keys`` (:func:`set_key` form), the one whose leads are all among ``given`` with the most
    leads (``given``'s own key first); ``None`` when none is."""
    have = set(lead_names(given))
    fitting = [k for k in keys if set(k.split("+")) <= have]
    return max(fitting, key=lambda k: (len(k.split("+")), k == set_key(given))) if fitting else None


def limb_leads_from(given: dict) -> dict:
    """Every limb lead that follows exactly from the given ``{name: samples}``: all six from any two limb leads (the
    least-squares (I, II) when more are given), Lead I alone from Lead I; other given leads are ignored here."""
    limb = [n for n in given if n in LIMB_COORDINATES]
    if len(limb) >= 2:
        a = np.array([LIMB_COORDINATES[n] for n in limb])                    # (k, 2)
        y = np.stack([np.asarray(given[n], np.float64) for n in limb])       # (k, n)
        basis = np.linalg.lstsq(a, y, rcond=None)[0]                         # (2, n): I, II
        return {n: np.asarray(c) @ basis for n, c in LIMB_COORDINATES.items()}
    if "I" in given:
        return {"I": np.asarray(given["I"], np.float64)}
    return {}


def avl_avf_swapped(signal: np.ndarray) -> bool:
    """Whether a canonical 12-lead record obeys Goldberger's laws for aVL and aVF clearly better with the two
    swapped (RMS residual at least 10× smaller and below 0.05 mV)."""
    x = np.asarray(signal, np.float64)
    i, ii = x[0], x[1]
    want_avl, want_avf = i - ii / 2, ii - i / 2
    as_headed = np.sqrt(np.mean((x[4] - want_avl) ** 2 + (x[5] - want_avf) ** 2))
    swapped = np.sqrt(np.mean((x[5] - want_avl) ** 2 + (x[4] - want_avf) ** 2))
    return bool(swapped < 0.05 and swapped * 10 < as_headed)


def limb_lead_residuals(signal: np.ndarray) -> np.ndarray:
    """Residuals of the four limb-lead laws for a canonical array ``(..., 12 or ≥6, n)``.

    Returns ``(..., 4, n)``: measured minus derived III, aVR, aVL, aVF, in the signal's units.
    """
    if signal.shape[-2] < 6:
        raise ValueError(f"need at least the 6 limb leads on axis -2, got shape {signal.shape}")
    derived = derive_limb_leads(signal[..., 0, :], signal[..., 1, :])
    return np.stack([signal[..., LEADS.index(k), :] - v for k, v in derived.items()], axis=-2)


def limb_lead_law_error(signal: np.ndarray) -> dict[str, float]:
    """How far a canonical 12-lead array is from Einthoven's and Goldberger's laws.

    Returns the RMS and max-abs residual over all samples (signal units, e.g. mV), overall
    and per derived lead (keys ``rms``, ``max``, ``rms_III`` …).
    """
    res = limb_lead_residuals(np.asarray(signal, dtype=np.float64))
    out = {"rms": float(np.sqrt(np.mean(res ** 2))), "max": float(np.max(np.abs(res)))}
    for i, name in enumerate(DERIVED_LIMB_LEADS):
        r = res[..., i, :]
        out[f"rms_{name}"] = float(np.sqrt(np.mean(r ** 2)))
    return out


def complete_from_independent(independent: np.ndarray) -> np.ndarray:
    """Build the canonical 12 leads from the 8 independent ones ``(..., 8, n)`` = I, II, V1..V6."""
    if independent.shape[-2] != 8:
        raise ValueError(f"expected 8 independent leads (I, II, V1..V6) on axis -2, got {independent.shape}")
    i, ii = independent[..., 0, :], independent[..., 1, :]
    d = derive_limb_leads(i, ii)
    limb = [i, ii, d["III"], d["aVR"], d["aVL"], d["aVF"]]
    return np.concatenate([np.stack(limb, axis=-2), independent[..., 2:, :]], axis=-2)


# Dower et al. (1980/1988): Frank X, Y, Z (mV) -> I, II, V1..V6 (mV).
DOWER_MATRIX = np.array([
    [0.632, -0.235, 0.059],   # I
    [0.235, 1.066, -0.132],   # II
    [-0.515, 0.157, -0.917],  # V1
    [0.044, 0.164, -1.387],   # V2
    [0.882, 0.098, -1.277],   # V3
    [1.213, 0.127, -0.601],   # V4
    [1.125, 0.127, -0.086],   # V5
    [0.831, 0.076, 0.230],    # V6
])
FRONTAL_ROWS = np.stack([DOWER_MATRIX[0], DOWER_MATRIX[1] - DOWER_MATRIX[0] / 2.0])
"""Frank XYZ → (I, aVF): the two leads the frontal axis is read from (aVF = II − I/2)."""
