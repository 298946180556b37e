"""Calibrate a reconstructor once to a person: a per-person linear head fitted on their own 12-lead ECG.

    personal = rec.personalize(reference_12lead_mv, fs=500)      # a (12, n) recording of ≥ 4 s, e.g. a clinic ECG
    out = personal.reconstruct(lead_i, fs=500)                    # same API as Reconstructor (any leads, quality, …)
    personal.save("anna.profile.json"); PersonalReconstructor.load("anna.profile.json", rec)

The **head** runs on every model window at the model's rate (100 Hz), after the network: each of II, V1–V6 becomes
a linear combination of :data:`N_FEATURES` = 18 features — the 12 leads of the window (the network's output, with
the leads the device recorded put in their place) and the lead's own samples shifted by ±1, ±2, ±3 (±30 ms); III,
aVR, aVL and aVF then follow from I and the corrected II (Einthoven, Goldberger). The 7 × 18 weights are fitted
by ridge least squares on the person's reference (the reference's Lead I reconstructed by the model vs the
reference itself, both band-passed 0.5–40 Hz at 100 Hz), and are all a profile holds. It corrects the person's
amplitudes, axis and chest-lead mix that Lead I cannot carry (the population average the model falls back on).
On the phone the same head is a TFLite signature taking the profile (``python -m export.personal_head``) and
the Java core fits and applies it (``org.ecgtf.core.PersonalProfile``).

A profile is a small JSON file (the weights, the model it belongs to, a digest over its content): it is checked
when loaded, and a profile of another model or an edited one is refused. Format-1 profiles (two numbers per lead:
``a · model lead + c · model Lead I``) load as the same head with the other weights zero.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path

import numpy as np

from ecgtf.configs import read_json_object
from ecgtf.files import atomic_write_json, json_digest
from ecgtf.leads import LEADS, derive_limb_leads
from ecgtf.preprocessing.signal import check_millivolts, validate_signal
from ecgtf.scores import INDEPENDENT, to_eval_space
from ecgtf.windows import recorded_rows

PROFILE_FORMAT = 2
MIN_REFERENCE_S = 4.0
TAPS = 3
"""Own-lead shifts −TAPS…+TAPS samples at the model's rate (100 Hz: ±30 ms)."""
SHIFTS = tuple(d for d in range(-TAPS, TAPS + 1) if d)
"""The own-lead shifts (the unshifted lead is among the 12 already)."""
N_FEATURES = 12 + len(SHIFTS)
RIDGE = 1e-2
"""Ridge on the weights, relative to the mean energy of the features (keeps a flat lead harmless)."""
CORRECTED = INDEPENDENT
"""The leads the head rewrites (II, V1–V6); the other limb leads follow from I and II."""


@dataclass
class PersonalProfile:
    """What a person's calibration holds: ``coefficients[lead]`` = the :data:`N_FEATURES` weights of the head for
    II and V1–V6 (features: the 12 leads, then the lead itself shifted by :data:`SHIFTS` samples at 100 Hz)."""

    model: str
    source: str
    coefficients: dict
    reference_seconds: float
    created: str = field(default_factory=lambda: datetime.now().isoformat(timespec="seconds"))
    format: int = PROFILE_FORMAT

    def to_json(self) -> dict:
        doc = asdict(self)
        doc["coefficients"] = {k: [float(v) for v in w] for k, w in self.coefficients.items()}
        doc["profile_sha256"] = json_digest(doc, "profile_sha256")
        return doc

    @property
    def weights(self) -> np.ndarray:
        """(7, :data:`N_FEATURES`) float64, rows II, V1…V6: what the TFLite head's ``profile`` input takes."""
        return np.array([self.coefficients[name] for name in CORRECTED], np.float64)


def head_features(leads: np.ndarray, k: int) -> np.ndarray:
    """(…, 12, m) leads → (…, m, :data:`N_FEATURES`): the 12 leads and lead ``k`` shifted by each of :data:`SHIFTS`
    (zeros beyond the ends: ``x[t − d]`` for shift ``d``)."""
    x = np.asarray(leads, np.float64)
    own = x[..., k, :]
    pad = np.pad(own, [(0, 0)] * (own.ndim - 1) + [(TAPS, TAPS)])
    m = own.shape[-1]
    shifted = [pad[..., TAPS - d:TAPS - d + m] for d in SHIFTS]
    return np.concatenate([np.moveaxis(x, -2, -1), np.stack(shifted, -1)], axis=-1)


def apply_head(leads: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The head on (…, 12, m) leads at the model's rate: II and V1–V6 from their features and ``weights`` (7, 18),
    III, aVR, aVL, aVF from I and the corrected II; I unchanged."""
    x = np.asarray(leads, np.float64)
    out = x.copy()
    for j, name in enumerate(CORRECTED):
        k = LEADS.index(name)
        out[..., k, :] = head_features(x, k) @ weights[j]
    for name, value in derive_limb_leads(out[..., 0, :], out[..., 1, :]).items():
        out[..., LEADS.index(name), :] = value
    return out


def fit_profile(rec, reference, fs: float) -> PersonalProfile:
    """The head of ``rec`` for the person whose 12-lead ``reference`` ``(12, n)`` mV at ``fs`` is given."""
    ref = np.asarray(reference)
    if ref.ndim != 2 or ref.shape[0] != 12:
        raise ValueError(f"reference: shape {ref.shape}; expected a 12-lead recording (12, n) in mV, canonical "
                         f"order {', '.join(LEADS)}")
    seconds = ref.shape[1] / fs
    if seconds < MIN_REFERENCE_S:
        raise ValueError(f"reference: {seconds:.1f} s long; at least {MIN_REFERENCE_S:g} s are needed (a standard "
                         "10 s ECG is the usual case)")
    rows = []
    for name, lead in zip(LEADS, ref):
        x = validate_signal(np.asarray(lead, np.float64), name=f"reference lead {name}", fs=fs)
        check_millivolts(x, f"reference lead {name}")
        rows.append(x)
    ref = np.stack(rows)
    model = to_eval_space(reference_reconstruction(rec, ref[0], fs), fs)
    return PersonalProfile(rec.name, rec.source, fit_head(model, to_eval_space(ref, fs)), float(seconds))


def fit_head(model: np.ndarray, truth: np.ndarray) -> dict:
    """The head's weights ``{lead: [18 floats]}`` mapping the model's reconstruction of a reference to the reference,
    both (12, m) band-passed at 100 Hz (:func:`ecgtf.scores.to_eval_space`): ridge least squares per lead."""
    coefficients = {}
    for name in CORRECTED:
        k = LEADS.index(name)
        x = head_features(model, k)                                          # (m, 18)
        gram = x.T @ x
        gram += RIDGE * np.trace(gram) / N_FEATURES * np.eye(N_FEATURES)
        coefficients[name] = np.linalg.solve(gram, x.T @ truth[k]).tolist()
    return coefficients


def reference_reconstruction(rec, lead_i: np.ndarray, fs: float) -> np.ndarray:
    """``rec``'s (12, n) reconstruction of a reference's Lead I (n samples); shorter than a model window, Lead I is
    mirrored (numpy ``reflect``) to one window first and the answer cut back to n samples."""
    n, window = lead_i.size, int(np.ceil(rec.pipeline.min_seconds * fs))
    x = lead_i if n >= window else np.pad(lead_i, (0, window - n), mode="reflect" if 2 * n > window else "wrap")
    return rec.reconstruct(x, fs, quality=False).leads[:, :n].astype(np.float64)


def personal_windows(run_windows, weights: np.ndarray):
    """A window function with the head behind ``run_windows``: each window's recorded leads (non-zero input rows;
    Lead I windows (B, L): Lead I) replace the network's output for them before the head."""
    def run(windows):
        w = np.asarray(windows, np.float32)
        y = np.asarray(run_windows(w), np.float64)
        known = w[:, None, :] if w.ndim == 2 else w
        rows = recorded_rows(known)                                            # (B, rows)
        y[:, :known.shape[1]] = np.where(rows[..., None], known, y[:, :known.shape[1]])
        return apply_head(y, weights)
    return run


class PersonalReconstructor:
    """A :class:`ecgtf.Reconstructor` with one person's head: the same ``reconstruct`` and ``stream``."""

    def __init__(self, base, profile: PersonalProfile):
        if profile.model != base.name or profile.source != base.source:
            raise ValueError(f"this profile was fitted for {profile.model!r} ({profile.source}), not for "
                             f"{base.name!r} ({base.source}); personalise that model again")
        self.base, self.profile = base, profile
        pipeline = replace(base.base_pipeline, run_windows=personal_windows(base.base_pipeline.run_windows,
                                                                            profile.weights))
        self.personal = type(base)(pipeline, base.name, base.source, run=base.run, tflite=base.tflite,
                                   denoise=base.denoiser, intervals=base.intervals, personal=True)

    def __repr__(self) -> str:
        return f"PersonalReconstructor({self.base!r}, fitted on {self.profile.reference_seconds:.1f} s)"

    @property
    def name(self) -> str:
        return f"{self.base.name} (personal)"

    def reconstruct(self, signal, fs: float, **kw):
        """:meth:`ecgtf.Reconstructor.reconstruct` with this person's head on every window (``info["personal"]``)."""
        out = self.personal.reconstruct(signal, fs, **kw)
        out.model = self.name
        out.info["personal"] = True
        return out

    def stream(self, fs: float, **kw):
        """A live stream (:meth:`ecgtf.Reconstructor.stream`) with this person's head on every window."""
        return self.personal.stream(fs, **kw)

    def save(self, path: str | Path) -> Path:
        """The profile as JSON (atomically), with a digest over its content."""
        path = Path(path)
        atomic_write_json(path, self.profile.to_json())
        return path

    @classmethod
    def load(cls, path: str | Path, base) -> "PersonalReconstructor":
        """A saved profile for ``base``; an edited or corrupt profile, or one of another model, is refused."""
        path = Path(path)
        doc = read_json_object(path)
        if not doc:
            raise FileNotFoundError(f"{path}: no profile there")
        if doc.get("format") not in (1, PROFILE_FORMAT) or doc.get("profile_sha256") != json_digest(doc, "profile_sha256"):
            raise ValueError(f"{path}: not an ecgtf profile of format 1 or {PROFILE_FORMAT}, or changed after it was "
                             "saved (its digest does not match); personalise again from the reference ECG")
        try:
            coefficients = {k: [float(x) for x in v] for k, v in doc["coefficients"].items()}
            if doc["format"] == 1:                       # (a, c): a · model lead + c · model Lead I
                coefficients = {k: format1_weights(k, *v) for k, v in coefficients.items()}
            if set(coefficients) != set(CORRECTED) or any(len(w) != N_FEATURES for w in coefficients.values()) \
                    or not np.all(np.isfinite(list(coefficients.values()))):
                raise ValueError(f"coefficients: expected {N_FEATURES} finite weights for each of {', '.join(CORRECTED)}")
            profile = PersonalProfile(str(doc["model"]), str(doc["source"]), coefficients,
                                      float(doc["reference_seconds"]), str(doc["created"]))
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ValueError(f"{path}: malformed profile ({type(exc).__name__}: {exc})") from None
        return cls(base, profile)


def format1_weights(lead: str, a: float, c: float) -> list[float]:
    """A format-1 profile's (a, c) — the per-person linear correction ``a · model lead + c · model Lead I`` — as head
    weights: ``a`` on the lead itself, ``c`` on Lead I."""
    w = [0.0] * N_FEATURES
    w[LEADS.index(lead)] += a
    w[0] += c
    return w
