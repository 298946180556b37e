"""Calibrated per-lead intervals around a reconstruction: where the true lead probably is, and how sure that is.

A reconstructed lead ``y`` (mV at ``fs``) gets the band ``y ± q · s``:

- ``s`` (:func:`spread`, mV) is a **predicted spread** computed from the reconstruction itself: per lead a
  log-linear model ``exp(w₀ + Σ wⱼ log(fⱼ + 0.01))`` of the :data:`FEATURES` — the lead's local deviation from its
  own baseline, its local slope, its level over 2 s and 10 s, and the same for Lead I (moving averages, see
  :func:`spread_features`), fitted by least squares to ``log |error|`` on held-out records. It is wide in the QRS
  and in large leads, narrow on the baseline: the band adapts to where the model errs.
- ``q`` is a **conformal quantile**: on held-out records the normalised errors ``|truth − y| / s`` (truth band-passed
  0.5–40 Hz, Butterworth order 4, zero-phase, at ``fs``) are ranked per lead, and ``q`` at coverage ``c`` is their
  ``c`` quantile (stored on the grid :data:`COVERAGES`, interpolated between). By construction a fraction ``c`` of
  the held-out samples of every lead lie inside the band; the docs page ``docs/guides/intervals.md`` measures it on
  other records.

Given leads and leads that follow exactly from them (two limb leads → the other four) have zero width. One
calibration is made per set of given leads (``"I"``, ``"I+II"``, …) and per personalised reconstruction
(``"personal:I"``, …): errors differ by what the model was given. A set without its own calibration uses the
calibrated set with the most leads among those given (fewer leads → larger errors → a wider, safe band).

Everything here is plain arithmetic on the 12 output leads so that a phone computes the same band from a model's
output (``org.ecgtf.core.Intervals``); the calibration travels as ``intervals.json`` beside a preset's weights.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ecgtf.configs import read_json_object
from ecgtf.files import atomic_write_json, json_digest
from ecgtf.leads import best_subset, set_key

FEATURES = ("deviation", "slope", "level", "level_long", "deviation_wide",
            "lead_i_deviation", "lead_i_slope", "lead_i_level", "lead_i_level_long")
"""What the spread of a lead is made of (:func:`spread_features`; all ≥ 0, mV; slopes in mV per 10 ms)."""
SHORT_S = 0.1
"""Width of the moving averages of the local features (s)."""
WIDE_S = 0.3
"""Width of the moving average that widens the local deviation around a wave (s)."""
LONG_S = 2.0
"""Width of the moving averages of a lead's baseline and level (s)."""
LONGER_S = 10.0
"""Width of the moving average of a lead's slow level (s): about a whole standard ECG."""
FEATURE_FLOOR_MV = 0.01
"""Added to every feature before its logarithm."""
COVERAGES = tuple(round(0.01 * k, 2) for k in range(1, 100))
"""The grid of nominal coverages a calibration stores quantiles for (0.01 … 0.99)."""
DEFAULT_COVERAGE = 0.8
MIN_SPREAD_MV = 1e-3
"""Floor of the spread: a flat reconstruction still gets a band."""
ERROR_FLOOR_MV = 0.005
"""Added to ``|error|`` before its logarithm when the spread is fitted."""
CALIBRATION_FILE = "intervals.json"
CALIBRATION_FORMAT = 1
N_WEIGHTS = 1 + len(FEATURES)
WINDOWS_S = (SHORT_S, WIDE_S, LONG_S, LONGER_S)
"""Per lead: an intercept, then one weight per feature."""


def moving_average(x: np.ndarray, width: int) -> np.ndarray:
    """Centred moving mean over ``width`` samples (odd; shrinks to the samples present at the ends) along the last
    axis."""
    half = max(int(width) // 2, 0)
    n = x.shape[-1]
    c = np.concatenate([np.zeros(x.shape[:-1] + (1,)), np.cumsum(x, axis=-1)], axis=-1)
    if n <= 2 * half:
        idx = np.arange(n)
        lo, hi = np.maximum(idx - half, 0), np.minimum(idx + half + 1, n)
        return (c[..., hi] - c[..., lo]) / (hi - lo)
    out = np.empty(c.shape[:-1] + (n,))
    out[..., half:n - half] = (c[..., 2 * half + 1:] - c[..., :n - 2 * half]) / (2 * half + 1)    # full windows
    head, tail = np.arange(half), np.arange(n - half, n)                                           # shrunk ones
    out[..., :half] = c[..., head + half + 1] / (head + half + 1)
    out[..., n - half:] = (c[..., n:n + 1] - c[..., tail - half]) / (n - tail + half)
    return out


def window_samples(seconds: float, fs: float) -> int:
    """An odd number of samples spanning about ``seconds`` at ``fs``."""
    return 2 * int(round(seconds * fs / 2)) + 1


def _feature_list(leads: np.ndarray, fs: float) -> list[np.ndarray]:
    """The :data:`FEATURES` of (12, n) leads as a list of (12, n) arrays (see :func:`spread_features`)."""
    y = np.asarray(leads, np.float64)
    short, wide = window_samples(SHORT_S, fs), window_samples(WIDE_S, fs)
    long, longer = window_samples(LONG_S, fs), window_samples(LONGER_S, fs)
    centred = y - moving_average(y, long)
    deviation = moving_average(np.abs(centred), short)
    slope = moving_average(np.abs(np.gradient(y, axis=-1)) * (fs / 100.0), short)
    squared = centred ** 2
    level = np.sqrt(moving_average(squared, long))
    level_long = np.sqrt(moving_average(squared, longer))
    own = [deviation, slope, level, level_long, moving_average(deviation, wide)]
    return own + [np.broadcast_to(f[..., :1, :], y.shape) for f in (deviation, slope, level, level_long)]


def spread_features(leads: np.ndarray, fs: float) -> np.ndarray:
    """(12, n) reconstructed leads in mV at ``fs`` → (12, n, len(:data:`FEATURES`)) features, all ≥ 0.

    With ``c = y − baseline`` (baseline: moving mean over :data:`LONG_S`): deviation = moving mean of ``|c|`` over
    :data:`SHORT_S`; slope = moving mean of ``|dy/dt|`` (mV per 10 ms, ``numpy.gradient``) over :data:`SHORT_S`;
    level = ``sqrt`` of the moving mean of ``c²`` over :data:`LONG_S`; level_long the same over :data:`LONGER_S`;
    deviation_wide = moving mean of deviation over :data:`WIDE_S`; then Lead I's (row 0) deviation, slope, level and
    level_long."""
    return np.stack(_feature_list(leads, fs), axis=-1)


def log_spread(features: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``log`` of the spread from (…, F) features and (1 + F,) weights: ``w₀ + Σ wⱼ log(fⱼ + FEATURE_FLOOR_MV)``."""
    return weights[0] + np.log(features + FEATURE_FLOOR_MV) @ weights[1:]


def spread(leads: np.ndarray, fs: float, weights: np.ndarray) -> np.ndarray:
    """The predicted spread (12, n) mV of each lead: ``max(exp(log_spread), MIN_SPREAD_MV)`` with ``weights``
    (12, :data:`N_WEIGHTS`)."""
    w = np.asarray(weights, np.float64)
    log_s = np.repeat(w[:, :1], np.shape(leads)[-1], axis=1)
    for j, f in enumerate(_feature_list(leads, fs)):
        log_s += w[:, j + 1:j + 2] * np.log(f + FEATURE_FLOOR_MV)
    return np.maximum(np.exp(log_s), MIN_SPREAD_MV)


def check_coverage(coverage: float) -> float:
    """``coverage`` as a float in [0.01, 0.99], or ``ValueError`` saying what was expected."""
    try:
        c = float(coverage)
    except (TypeError, ValueError):
        raise ValueError(f"coverage {coverage!r}: expected a probability such as 0.8") from None
    if not COVERAGES[0] <= c <= COVERAGES[-1]:
        raise ValueError(f"coverage {coverage!r}: expected a probability between {COVERAGES[0]} and {COVERAGES[-1]} "
                         "(the share of true samples the band should hold, e.g. 0.8 or 0.95)")
    return c


def interval_key(given, personal: bool = False) -> str:
    """The calibration key of a set of given leads: ``"I+II"``; personalised: ``"personal:I+II"``."""
    return ("personal:" if personal else "") + set_key(given)


@dataclass
class IntervalCalibration:
    """Per set of given leads (:func:`interval_key`): the spread weights (12, 1 + F) and the conformal quantiles
    (12, 99) of ``|truth − reconstruction| / spread`` at :data:`COVERAGES`; rows of given leads are unused."""

    model: str
    calibrated_on: str
    sets: dict
    """key → {"weights": (12, 1 + F) list, "quantiles": (12, 99) list, "samples": per-lead count}."""
    features: tuple = FEATURES
    coverages: tuple = COVERAGES
    format: int = CALIBRATION_FORMAT
    notes: dict = field(default_factory=dict)

    # -- files ----------------------------------------------------------------------------------------
    def to_json(self) -> dict:
        doc = {"format": self.format, "model": self.model, "calibrated_on": self.calibrated_on,
               "features": list(self.features), "windows_s": list(WINDOWS_S),
               "coverages": list(self.coverages), "notes": self.notes,
               "sets": {k: {"weights": np.round(np.asarray(v["weights"], np.float64), 8).tolist(),
                            "quantiles": np.round(np.asarray(v["quantiles"], np.float64), 6).tolist(),
                            "samples": [int(s) for s in v.get("samples", [0] * 12)]}
                        for k, v in self.sets.items()}}
        doc["sha256"] = json_digest(doc, "sha256")
        return doc

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        atomic_write_json(path, self.to_json())
        return path

    @classmethod
    def load(cls, path: str | Path) -> "IntervalCalibration":
        """Read and check an ``intervals.json`` (its digest, format, features and array shapes)."""
        path = Path(path)
        doc = read_json_object(path)
        if not doc:
            raise FileNotFoundError(f"{path}: no interval calibration there")
        try:
            return cls._from_json(doc, path)
        except (KeyError, TypeError) as exc:
            raise ValueError(f"{path}: malformed interval calibration ({type(exc).__name__}: {exc})") from None

    @classmethod
    def _from_json(cls, doc: dict, path: Path) -> "IntervalCalibration":
        if doc.get("sha256") != json_digest(doc, "sha256"):
            raise ValueError(f"{path}: its content does not match its sha256 (edited or damaged); recalibrate with "
                             "python -m training.calibrate_intervals (or reinstall the preset), or delete the file to "
                             "reconstruct without bands")
        if doc.get("format") != CALIBRATION_FORMAT or tuple(doc.get("features", ())) != FEATURES \
                or tuple(doc.get("windows_s", ())) != WINDOWS_S or tuple(doc.get("coverages", ())) != COVERAGES:
            raise ValueError(f"{path}: an interval calibration of another format (format {doc.get('format')}, "
                             f"features {doc.get('features')}); this ecgtf reads format {CALIBRATION_FORMAT} with "
                             f"features {list(FEATURES)}")
        sets = {}
        for key, v in doc.get("sets", {}).items():
            w, q = np.asarray(v["weights"], np.float64), np.asarray(v["quantiles"], np.float64)
            if w.shape != (12, N_WEIGHTS) or q.shape != (12, len(COVERAGES)) or not (
                    np.isfinite(w).all() and np.isfinite(q).all()):
                raise ValueError(f"{path}: set {key!r} has weights {w.shape} and quantiles {q.shape}; expected "
                                 f"(12, {N_WEIGHTS}) and (12, {len(COVERAGES)}), finite")
            if np.any(q < 0) or np.any(np.diff(q, axis=1) < 0):
                raise ValueError(f"{path}: set {key!r}: quantiles must be ≥ 0 and grow with the coverage")
            sets[key] = {"weights": w, "quantiles": q, "samples": v.get("samples", [0] * 12)}
        if not sets:
            raise ValueError(f"{path}: no calibrated set of given leads")
        return cls(doc["model"], doc["calibrated_on"], sets, notes=doc.get("notes", {}))

    # -- use ------------------------------------------------------------------------------------------
    def key_for(self, given, personal: bool = False) -> str:
        """The calibrated set for these given leads: their own, else the calibrated subset with the most leads (a
        personalised reconstruction without a personalised calibration: the generic one); ``ValueError`` if none."""
        for prefix in (("personal:", "") if personal else ("",)):
            keys = [k.removeprefix(prefix) for k in self.sets if k.startswith(prefix) and ":" not in k.removeprefix(prefix)]
            best = best_subset(keys, given)
            if best is not None:
                return prefix + best
        raise ValueError(f"no interval calibration applies to the given leads {sorted(given)}; calibrated: "
                         f"{', '.join(self.sets)}")

    def quantile(self, key: str, coverage: float) -> np.ndarray:
        """(12,) conformal quantiles of set ``key`` at ``coverage`` (linear between grid points)."""
        c = check_coverage(coverage)
        q = np.asarray(self.sets[key]["quantiles"], np.float64)
        return np.array([np.interp(c, COVERAGES, row) for row in q])

    def bounds(self, leads: np.ndarray, fs: float, fixed_rows, key: str, coverage: float = DEFAULT_COVERAGE):
        """(lower, upper), each (12, n) mV: ``leads ± q · spread``; zero width on ``fixed_rows`` (given or exactly
        derived leads)."""
        half = self.quantile(key, coverage)[:, None] * spread(leads, fs, self.sets[key]["weights"])
        half[list(fixed_rows)] = 0.0
        y = np.asarray(leads, np.float64)
        return (y - half).astype(np.float32), (y + half).astype(np.float32)


def feature_reach(fs: float) -> int:
    """Samples on either side of a sample that its :func:`spread_features` read (a 2 s baseline under a 10 s level)."""
    return window_samples(LONGER_S, fs) // 2 + window_samples(LONG_S, fs) // 2


class StreamBands:
    """The band of a live stream's output, chunk by chunk: ``next(leads)`` → ``(lower, upper)`` for the newly final
    (12, k) leads (mV at ``fs``; NaN columns where no valid window covered a sample stay NaN).

    Each chunk's band is :meth:`IntervalCalibration.bounds` over the chunk plus the last :func:`feature_reach` samples
    before it, so the past reaches every moving average in full and the future as far as it is known — the state of
    the last samples of a recording reconstructed whole. Stretches between NaN columns are treated as separate
    recordings (a lone finite column gets no band). ``org.ecgtf.core.StreamBands`` is the Java twin."""

    def __init__(self, calibration: "IntervalCalibration", fs: float, fixed_rows, key: str,
                 coverage: float = DEFAULT_COVERAGE):
        self.calibration, self.fs, self.key = calibration, float(fs), key
        self.fixed_rows, self.coverage = list(fixed_rows), check_coverage(coverage)
        self.reach = feature_reach(self.fs)
        self.history = np.zeros((12, 0))

    def next(self, leads: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        y = np.concatenate([self.history, np.asarray(leads, np.float64)], axis=1)
        k = np.shape(leads)[1]
        lower, upper = np.full(y.shape, np.nan, np.float32), np.full(y.shape, np.nan, np.float32)
        finite = np.isfinite(y).all(axis=0)
        edges = np.flatnonzero(np.diff(np.concatenate([[0], finite.astype(np.int8), [0]])))
        for a, b in zip(edges[::2], edges[1::2]):              # stretches of finite columns [a, b)
            if b > y.shape[1] - k and b - a > 1:                  # only those that reach into the new chunk
                lower[:, a:b], upper[:, a:b] = self.calibration.bounds(y[:, a:b], self.fs, self.fixed_rows, self.key,
                                                                       self.coverage)
        self.history = y[:, max(0, y.shape[1] - self.reach):]
        return lower[:, y.shape[1] - k:], upper[:, y.shape[1] - k:]


def load_calibration(folder: str | Path | None) -> IntervalCalibration | None:
    """The ``intervals.json`` of a run or preset folder, or ``None`` when it has none."""
    if folder is None:
        return None
    path = Path(folder) / CALIBRATION_FILE
    return IntervalCalibration.load(path) if path.exists() else None


# -- calibration -------------------------------------------------------------------------------------------------
def fit_spread_weights(features: np.ndarray, abs_error: np.ndarray) -> np.ndarray:
    """Least squares of ``log(|error| + ERROR_FLOOR_MV)`` on ``[1, log(features + FEATURE_FLOOR_MV)]``: the weights
    (1 + F,) of one lead's log-linear spread (a geometric-mean error model)."""
    x = np.concatenate([np.ones((len(features), 1)), np.log(features + FEATURE_FLOOR_MV)], axis=1)
    return np.linalg.lstsq(x, np.log(abs_error + ERROR_FLOOR_MV), rcond=None)[0]


def conformal_quantiles(scores: np.ndarray) -> np.ndarray:
    """The split-conformal quantiles of ``scores`` (m,) at :data:`COVERAGES`: the ``ceil((m + 1) c)``-th smallest."""
    s = np.sort(np.asarray(scores, np.float64))
    m = len(s)
    ranks = np.minimum(np.ceil((m + 1) * np.asarray(COVERAGES)).astype(int), m) - 1
    return s[ranks]


def calibrate_set(recons: list, truths: list, fs: float, fixed_rows: list, stride: int = 5) -> dict:
    """One set's calibration from held-out records: ``recons`` and ``truths`` (12, n) mV at ``fs`` (truth already
    band-passed 0.5–40 Hz), ``fixed_rows`` per record (rows not calibrated: given, derived). Split conformal: the
    spread weights are fitted on the even-numbered records, the quantiles ranked on the odd-numbered ones; every
    ``stride``-th sample is used."""
    feats = [spread_features(r, fs)[:, ::stride] for r in recons]
    errs = [np.abs(np.asarray(t, np.float64) - r)[:, ::stride] for r, t in zip(recons, truths)]
    weights = np.zeros((12, N_WEIGHTS))
    quantiles = np.zeros((12, len(COVERAGES)))
    samples = [0] * 12
    for k in range(12):
        use = [i for i in range(len(recons)) if k not in fixed_rows[i]]
        if not use:
            weights[k, 0] = np.log(MIN_SPREAD_MV)
            continue
        fit = [i for i in use if i % 2 == 0] or use
        cal = [i for i in use if i % 2 == 1] or use
        weights[k] = fit_spread_weights(np.concatenate([feats[i][k] for i in fit]),
                                        np.concatenate([errs[i][k] for i in fit]))
        scores = np.concatenate([errs[i][k] / np.maximum(np.exp(log_spread(feats[i][k], weights[k])), MIN_SPREAD_MV)
                                 for i in cal])
        quantiles[k] = conformal_quantiles(scores)
        samples[k] = len(scores)
    return {"weights": weights, "quantiles": quantiles, "samples": samples}
