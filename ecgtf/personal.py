"""Calibrate a reconstructor once to a person: a per-person linear head fitted on their own 12-lead ECG.

    personal = rec.personalize(reference_12lead_mv, fs=500)      # a (12, n) recording of ≥ 4 s, e.g. a clinic ECG
    out = personal.reconstruct(lead_i, fs=500)                    # same API as Reconstructor (any leads, quality, …)
    personal.save("anna.profile.json"); PersonalReconstructor.load("anna.profile.json", rec)

The **head** runs on every model window at the model's rate (100 Hz), after the network: each of II, V1–V6 becomes
a linear combination of :data:`N_FEATURES` = 18 features — the 12 leads of the window (the network's output, with
the leads the device recorded put in their place) and the lead's own samples shifted by ±1, ±2, ±3 (±30 ms); III,
aVR, aVL and aVF then follow from I and the corrected II (Einthoven, Goldberger). The 7 × 18 weights are fitted
by ridge least squares on the person's reference (the reference's leads reconstructed by the model vs the reference
itself, both band-passed 0.5–40 Hz at 100 Hz). It corrects the person's amplitudes, axis and chest-lead mix that
Lead I cannot carry (the population average the model falls back on). The model's errors depend on the leads it is
given, so a profile holds **one head per set of input leads** (:data:`HEAD_SETS` for an any-leads model: Lead I,
I + II, I + V2, I + II + V2; Lead I for a Lead I model), each fitted on the reference reconstructed from those
leads; a reconstruction uses the head of its given leads (else of the fitted set among them with the most leads).
On the phone the same head is a TFLite signature taking the profile (``python -m export.personal_head``) and
the Java core fits and applies it (``org.ecgtf.core.PersonalProfile``).

A profile is a small JSON file (the weights, the model it belongs to, a digest over its content): it is checked
when loaded, and a profile of another model or an edited one is refused. Format-2 profiles (one head, fitted from
Lead I) load as a profile with the Lead I head only; format-1 profiles (two numbers per lead: ``a · model lead + c ·
model Lead I``) as that head with the other weights zero.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path

import numpy as np

from ecgtf.configs import read_json_object
from ecgtf.files import atomic_write_json, json_digest
from ecgtf.leads import LEADS, best_subset, derive_limb_leads, known_leads, lead_names, set_key
from ecgtf.preprocessing.signal import check_millivolts, validate_signal
from ecgtf.scores import INDEPENDENT, to_eval_space
from ecgtf.windows import recorded_rows

PROFILE_FORMAT = 3
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
HEAD_SETS = ("I", "I+II", "I+V2", "I+II+V2")
"""The sets of input leads an any-leads model's profile fits a head for (a Lead I model: ``"I"``)."""


@dataclass
class PersonalProfile:
    """What a person's calibration holds: ``heads[set]`` — per set of input leads (``"I"``, ``"I+II"``, …) the head's
    :data:`N_FEATURES` weights ``{lead: [...]}`` for II and V1–V6 (features: the 12 leads, then the lead itself shifted
    by :data:`SHIFTS` samples at 100 Hz)."""

    model: str
    source: str
    heads: dict
    reference_seconds: float
    created: str = field(default_factory=lambda: datetime.now().isoformat(timespec="seconds"))
    format: int = PROFILE_FORMAT

    def to_json(self) -> dict:
        doc = asdict(self)
        doc["heads"] = {key: {k: [float(v) for v in w] for k, w in head.items()} for key, head in self.heads.items()}
        doc["profile_sha256"] = json_digest(doc, "profile_sha256")
        return doc

    def head_for(self, leads=("I",)) -> str:
        """The head used when ``leads`` are given: their own set's, else the fitted set among them with the most
        leads; ``ValueError`` when none fits (a profile always has the Lead I head)."""
        key = best_subset(self.heads, leads)
        if key is None:
            raise ValueError(f"this profile has heads for {', '.join(self.heads)}; none applies to the leads "
                             f"{', '.join(leads)}")
        return key

    def weights_for(self, key: str = "I") -> np.ndarray:
        """(7, :data:`N_FEATURES`) float64, rows II, V1…V6, of head ``key``: what the TFLite head's ``profile`` input
        takes."""
        return np.array([self.heads[key][name] for name in CORRECTED], np.float64)

    @property
    def weights(self) -> np.ndarray:
        """The Lead I head's weights (:meth:`weights_for`)."""
        return self.weights_for("I")


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


def head_sets_for(rec) -> tuple[str, ...]:
    """The sets of input leads ``rec``'s profiles fit a head for: :data:`HEAD_SETS` for an any-leads model, else
    ``("I",)``."""
    return HEAD_SETS if rec.pipeline.input_leads == 12 else ("I",)


def fit_profile(rec, reference, fs: float, head_sets=None) -> PersonalProfile:
    """The heads of ``rec`` for the person whose 12-lead ``reference`` ``(12, n)`` mV at ``fs`` is given, one per set
    of input leads in ``head_sets`` (default :func:`head_sets_for`)."""
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
    truth = to_eval_space(ref, fs)
    if head_sets is None:
        head_sets = head_sets_for(rec)
    heads = {}
    for key in dict.fromkeys(set_key(lead_names(k.split("+") if isinstance(k, str) else k)) for k in head_sets):
        model = to_eval_space(reference_reconstruction(rec, ref, fs, tuple(key.split("+"))), fs)
        heads[key] = fit_head(model, truth)
    if "I" not in heads:
        raise ValueError(f"head_sets {list(head_sets)}: the Lead I head is always needed (it is the stream's)")
    return PersonalProfile(rec.name, rec.source, heads, float(seconds))


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


def reference_reconstruction(rec, reference: np.ndarray, fs: float, leads=("I",)) -> np.ndarray:
    """``rec``'s (12, n) reconstruction of a 12-lead reference (12, n) given its ``leads``; shorter than a model
    window, each row is mirrored (numpy ``reflect``) to one window first and the answer cut back to n samples."""
    rows = np.asarray(reference, np.float64)[[LEADS.index(name) for name in leads]]
    n, window = rows.shape[1], int(np.ceil(rec.pipeline.min_seconds * fs))
    if n < window:
        rows = np.pad(rows, ((0, 0), (0, window - n)), mode="reflect" if 2 * n > window else "wrap")
    signal = rows[0] if len(leads) == 1 else rows
    return rec.reconstruct(signal, fs, quality=False, leads=leads, coverage=None).leads[:, :n].astype(np.float64)


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
    """A :class:`ecgtf.Reconstructor` with one person's heads: the same ``reconstruct`` and ``stream``."""

    def __init__(self, base, profile: PersonalProfile):
        if profile.model != base.name or profile.source != base.source:
            raise ValueError(f"this profile was fitted for {profile.model!r} ({profile.source}), not for "
                             f"{base.name!r} ({base.source}); personalise that model again")
        self.base, self.profile = base, profile
        self._by_head: dict = {}

    def __repr__(self) -> str:
        return (f"PersonalReconstructor({self.base!r}, heads {', '.join(self.profile.heads)}, fitted on "
                f"{self.profile.reference_seconds:.1f} s)")

    @property
    def name(self) -> str:
        return f"{self.base.name} (personal)"

    def with_head(self, key: str = "I"):
        """The base reconstructor with head ``key`` behind the network on every window (built once)."""
        if key not in self._by_head:
            base = self.base
            pipeline = replace(base.base_pipeline, run_windows=personal_windows(base.base_pipeline.run_windows,
                                                                                self.profile.weights_for(key)))
            self._by_head[key] = type(base)(pipeline, base.name, base.source, run=base.run, tflite=base.tflite,
                                            denoise=base.denoiser, intervals=base.intervals, personal=True)
        return self._by_head[key]

    @property
    def personal(self):
        """The base reconstructor with the Lead I head (:meth:`with_head`)."""
        return self.with_head("I")

    def reconstruct(self, signal, fs: float, **kw):
        """:meth:`ecgtf.Reconstructor.reconstruct` with this person's head for the given leads on every window
        (``info["personal"]``, ``info["personal_head"]``: the set of input leads the head was fitted for)."""
        leads = kw.get("leads")
        key = self.profile.head_for(known_leads(leads if leads is not None else ("I",)))
        out = self.with_head(key).reconstruct(signal, fs, **kw)
        out.model = self.name
        out.info.update(personal=True, personal_head=key)
        return out

    def stream(self, fs: float, **kw):
        """A live stream (:meth:`ecgtf.Reconstructor.stream`, Lead I) with this person's Lead I head on every window."""
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
        if doc.get("format") not in (1, 2, PROFILE_FORMAT) or doc.get("profile_sha256") != json_digest(doc, "profile_sha256"):
            raise ValueError(f"{path}: not an ecgtf profile of format 1 to {PROFILE_FORMAT}, or changed after it was "
                             "saved (its digest does not match); personalise again from the reference ECG")
        try:
            if doc["format"] == PROFILE_FORMAT:
                heads = {str(key): {k: [float(x) for x in v] for k, v in head.items()} for key, head in doc["heads"].items()}
            else:                                         # formats 1 and 2: one head, fitted from Lead I
                heads = {"I": {k: [float(x) for x in v] for k, v in doc["coefficients"].items()}}
            if doc["format"] == 1:                       # (a, c): a · model lead + c · model Lead I
                heads = {"I": {k: format1_weights(k, *v) for k, v in heads["I"].items()}}
            if "I" not in heads:
                raise ValueError("heads: no Lead I head")
            for key, head in heads.items():
                if key != set_key(key.split("+")):
                    raise ValueError(f"heads: {key!r} is not a set of leads in canonical order such as I+II")
                if set(head) != set(CORRECTED) or any(len(w) != N_FEATURES for w in head.values()) \
                        or not np.all(np.isfinite(list(head.values()))):
                    raise ValueError(f"head {key}: expected {N_FEATURES} finite weights for each of "
                                     f"{', '.join(CORRECTED)}")
            profile = PersonalProfile(str(doc["model"]), str(doc["source"]), heads,
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
