"""Calibrate a reconstructor once to a person: a per-person linear correction fitted on their own 12-lead ECG.

    personal = rec.personalize(reference_12lead_mv, fs=500)      # a (12, n) recording of ≥ 4 s, e.g. a clinic ECG
    out = personal.reconstruct(lead_i, fs=500)                    # same API as Reconstructor (any leads, quality, …)
    personal.save("anna.profile.json"); PersonalReconstructor.load("anna.profile.json", rec)

The correction is the baseline the reconstructor issue describes: for each independent lead (II, V1–V6) a
least-squares combination of the model's own output for that lead and its Lead I, fitted on the reference
(both band-passed 0.5–40 Hz at 100 Hz, as the evaluation protocol compares them); III, aVR, aVL and aVF follow
from the corrected I and II by Einthoven's and Goldberger's laws; given leads stay exactly as given. It corrects
the person's amplitudes and axis that Lead I cannot carry (the population average the model falls back on), not
beat shapes. A learned, phone-side personalisation (a TFLite signature, the Java core) is the next step.

A profile is a small JSON file (two numbers per lead, the model it belongs to, a digest over its content): it is
checked when loaded, and a profile of another model or an edited one is refused.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from ecgtf.configs import read_json_object
from ecgtf.files import atomic_write_json, json_digest
from ecgtf.leads import LEADS, derive_limb_leads
from ecgtf.preprocessing.signal import check_millivolts, validate_signal
from ecgtf.scores import INDEPENDENT, to_eval_space

PROFILE_FORMAT = 1
MIN_REFERENCE_S = 4.0
RIDGE = 1e-3
"""Ridge on the two coefficients, relative to the energy of the model's leads (keeps a flat lead harmless)."""


@dataclass
class PersonalProfile:
    """What a person's calibration holds: ``coefficients[lead] = (a, c)`` so that the corrected lead is
    ``a · model lead + c · model Lead I`` (mV), for II and V1–V6."""

    model: str
    source: str
    coefficients: dict
    reference_seconds: float
    created: str = field(default_factory=lambda: datetime.now().isoformat(timespec="seconds"))
    format: int = PROFILE_FORMAT

    def to_json(self) -> dict:
        doc = asdict(self)
        doc["profile_sha256"] = json_digest(doc, "profile_sha256")
        return doc


def fit_profile(rec, reference, fs: float) -> PersonalProfile:
    """The correction of ``rec`` for the person whose 12-lead ``reference`` ``(12, n)`` mV at ``fs`` is given."""
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
    n, window = ref.shape[1], int(np.ceil(rec.pipeline.min_seconds * fs))
    lead_i = ref[0] if n >= window else np.pad(ref[0], (0, window - n), mode="reflect" if 2 * n > window else "wrap")
    pred = rec.reconstruct(lead_i, fs, quality=False).leads[:, :n].astype(np.float64)   # short: mirrored to a window
    truth, model = to_eval_space(ref, fs), to_eval_space(pred, fs)
    coefficients = {}
    for name in INDEPENDENT:
        k = LEADS.index(name)
        x = np.stack([model[k], model[0]], axis=1)                       # (m, 2)
        gram = x.T @ x
        gram += RIDGE * np.trace(gram) / 2 * np.eye(2)
        a, c = np.linalg.solve(gram, x.T @ truth[k])
        coefficients[name] = (float(a), float(c))
    return PersonalProfile(rec.name, rec.source, coefficients, float(seconds))


def apply_profile(leads: np.ndarray, profile: PersonalProfile, given=()) -> np.ndarray:
    """Corrected ``(12, n)`` leads: II and V1–V6 from the profile, the other limb leads from I and II; ``given``
    leads (names) are left as they are."""
    out = np.array(leads, dtype=np.float64, copy=True)
    for name, (a, c) in profile.coefficients.items():
        if name not in given:
            k = LEADS.index(name)
            out[k] = a * leads[k] + c * leads[0]
    derived = derive_limb_leads(out[0], out[1])
    limb_given = [n for n in given if n in LEADS[:6]]
    if len(limb_given) < 2:                      # with two given limb leads they are all exact already
        for name, value in derived.items():
            if name not in given:
                out[LEADS.index(name)] = value
    return out


class PersonalReconstructor:
    """A :class:`ecgtf.Reconstructor` with one person's correction: the same ``reconstruct`` and ``stream``."""

    def __init__(self, base, profile: PersonalProfile):
        if profile.model != base.name or profile.source != base.source:
            raise ValueError(f"this profile was fitted for {profile.model!r} ({profile.source}), not for "
                             f"{base.name!r} ({base.source}); personalise that model again")
        self.base, self.profile = base, profile

    def __repr__(self) -> str:
        return f"PersonalReconstructor({self.base!r}, fitted on {self.profile.reference_seconds:.1f} s)"

    @property
    def name(self) -> str:
        return f"{self.base.name} (personal)"

    def reconstruct(self, signal, fs: float, **kw):
        """:meth:`ecgtf.Reconstructor.reconstruct`, then this person's correction (``info["personal"]``)."""
        out = self.base.reconstruct(signal, fs, **kw)
        out.leads = apply_profile(out.leads, self.profile, out.info.get("given", ())).astype(np.float32)
        out.model = self.name
        out.info["personal"] = True
        return out

    def stream(self, fs: float, **kw):
        """A live stream whose chunks carry the corrected leads."""
        return _PersonalStream(self.base.stream(fs, **kw), self.profile)

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
        if doc.get("format") != PROFILE_FORMAT or doc.get("profile_sha256") != json_digest(doc, "profile_sha256"):
            raise ValueError(f"{path}: not an ecgtf profile of format {PROFILE_FORMAT}, or changed after it was "
                             "saved (its digest does not match); personalise again from the reference ECG")
        try:
            coefficients = {k: (float(v[0]), float(v[1])) for k, v in doc["coefficients"].items()}
            if set(coefficients) != set(INDEPENDENT) or not np.all(np.isfinite(list(coefficients.values()))):
                raise ValueError("coefficients")
            profile = PersonalProfile(str(doc["model"]), str(doc["source"]), coefficients,
                                      float(doc["reference_seconds"]), str(doc["created"]))
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ValueError(f"{path}: malformed profile ({type(exc).__name__}: {exc})") from None
        return cls(base, profile)


class _PersonalStream:
    def __init__(self, stream, profile):
        self.stream, self.profile = stream, profile

    def _correct(self, chunk):
        if len(chunk):
            chunk.leads = apply_profile(chunk.leads, self.profile).astype(np.float32)
        return chunk

    def push(self, samples):
        return self._correct(self.stream.push(samples))

    def flush(self):
        return self._correct(self.stream.flush())

    def __getattr__(self, name):
        return getattr(self.stream, name)
