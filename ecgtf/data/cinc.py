"""PhysioNet/Computing in Cardiology Challenge data: 2011 (mobile-phone ECGs with quality labels)
and 2020/2021 (12-lead ``.hea`` + MATLAB ``.mat`` records with SNOMED-CT diagnoses).

**CinC 2011 set-a** (Silva, Moody & Celi, CinC 38, 2011; ODC-By 1.0): 10 s, 12 leads recorded with
mobile phones; ``RECORDS-acceptable`` / ``RECORDS-unacceptable`` hold the challenge's quality
labels. Plain WFDB (format 16). Saturated samples sit at the ADC rail (±16000 adu).

**CinC 2020/2021** (Reyna et al., CinC 48, 2021; CC BY 4.0): ``NAME.hea`` is a WFDB header whose
signal file is ``NAME.mat`` (variable ``val``, int16, ``gain`` adu/mV per lead, usually 500 Hz).
Diagnoses are SNOMED-CT codes on the ``#Dx:`` comment line. The Georgia (``E…``) headers carry a
date ``05-May-2020`` that ``wfdb.rdrecord`` cannot parse, so this module reads the header text
itself and the ``.mat`` with scipy; a file it cannot read raises :class:`RecordError` naming it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from ecgtf.data.database import Database
from ecgtf.data.records import EcgDataset, EcgRecord, RecordError, canonical_12lead, load_many, read_wfdb
from ecgtf.leads import LEADS, avl_avf_swapped  # noqa: F401 (re-exported)

SNOMED_LABELS = {
    "426783006": "NORM",      # sinus rhythm
    "164889003": "AFIB",      # atrial fibrillation
    "164909002": "CLBBB",     # left bundle branch block
    "733534002": "CLBBB",     # complete left bundle branch block
    "59118001": "CRBBB",      # right bundle branch block
    "713427006": "CRBBB",     # complete right bundle branch block
    "713426002": "IRBBB",     # incomplete right bundle branch block
    "39732003": "LAD",        # left axis deviation
    "47665007": "RAD",        # right axis deviation
    "164890007": "AFLT",      # atrial flutter
    "270492004": "1AVB",      # first-degree AV block
    "427393009": "SARRH",     # sinus arrhythmia
    "426177001": "SBRAD",     # sinus bradycardia
    "427084000": "STACH",     # sinus tachycardia
    "284470004": "PAC",       # premature atrial contraction
    "427172004": "PVC",       # premature ventricular contraction
}
"""SNOMED-CT codes of the challenge mapped to the PTB-XL-style names ecgtf uses elsewhere."""


@dataclass
class ChallengeHeader:
    """The parts of a CinC 2020/2021 header that matter: rate, length, per-lead gain/baseline, comments."""

    record: str
    fs: float
    n_samples: int
    lead_names: tuple[str, ...]
    gains: np.ndarray
    baselines: np.ndarray
    units: tuple[str, ...]
    comments: dict = field(default_factory=dict)
    checksums: tuple | None = None
    """Per-signal 16-bit sample sums from the header (None when a line has no checksum field)."""

    @property
    def snomed(self) -> tuple[str, ...]:
        return tuple(c.strip() for c in self.comments.get("Dx", "").split(",") if c.strip())


def read_challenge_header(path: str | Path) -> ChallengeHeader:
    """Parse a CinC 2020/2021 ``.hea`` file by hand (works for the Georgia headers wfdb rejects)."""
    path = Path(path)
    try:
        lines = [ln.strip() for ln in path.read_text(errors="replace").splitlines() if ln.strip()]
    except OSError as exc:
        raise RecordError(f"{path}: cannot read header ({exc})") from exc
    body = [ln for ln in lines if not ln.startswith("#")]
    if not body:
        raise RecordError(f"{path}: empty header")
    first = body[0].split()
    try:
        n_sig, fs, n_samples = int(first[1]), float(first[2].split("/")[0]), int(first[3])
    except (IndexError, ValueError) as exc:
        raise RecordError(f"{path}: record line {body[0]!r} is not 'NAME NSIG FS NSAMP ...'") from exc
    if len(body) < 1 + n_sig:
        raise RecordError(f"{path}: header announces {n_sig} signals but lists {len(body) - 1}")
    names, gains, baselines, units, checksums = [], [], [], [], []
    for ln in body[1:1 + n_sig]:
        parts = ln.split()
        try:
            gain_field = parts[2]
            gain_txt, _, unit = gain_field.partition("/")
            baseline = 0.0
            if "(" in gain_txt:
                gain_txt, _, rest = gain_txt.partition("(")
                baseline = float(rest.rstrip(")"))
            gains.append(float(gain_txt) or 200.0)
            baselines.append(baseline)
            units.append(unit or "mV")
            names.append(parts[-1])
            checksums.append(int(parts[6]) if len(parts) >= 9 else None)
        except (IndexError, ValueError) as exc:
            raise RecordError(f"{path}: cannot parse signal line {ln!r}") from exc
    comments = {}
    for ln in lines:
        if ln.startswith("#") and ":" in ln:
            key, _, value = ln[1:].partition(":")
            comments[key.strip()] = value.strip()
    return ChallengeHeader(first[0], fs, n_samples, tuple(names), np.array(gains), np.array(baselines),
                           tuple(units), comments, None if None in checksums else tuple(checksums))


def read_challenge_record(path: str | Path) -> EcgRecord:
    """Read one CinC 2020/2021 record (path with or without extension) as a canonical 12-lead mV record."""
    from scipy.io import loadmat

    base = Path(path).with_suffix("")
    header = read_challenge_header(base.with_suffix(".hea"))
    mat_path = base.with_suffix(".mat")
    try:
        val = np.asarray(loadmat(str(mat_path))["val"], dtype=np.float64)
    except FileNotFoundError as exc:
        raise RecordError(f"{mat_path}: signal file not found") from exc
    except Exception as exc:  # scipy raises MatReadError, ValueError, KeyError … for damaged files
        raise RecordError(f"{mat_path}: cannot read MATLAB variable 'val' ({type(exc).__name__}: {exc})") from exc
    if val.ndim != 2 or val.shape[0] != len(header.lead_names):
        raise RecordError(f"{mat_path}: 'val' has shape {val.shape}, expected ({len(header.lead_names)}, "
                          f"{header.n_samples}) from the header")
    if val.shape[1] != header.n_samples:
        raise RecordError(f"{mat_path}: header says {header.n_samples} samples, file has {val.shape[1]} (truncated?)")
    if header.checksums is not None:
        sums = val.astype(np.int64).sum(axis=1) & 0xFFFF
        bad = [header.lead_names[i] for i, (a, b) in enumerate(zip(sums, header.checksums)) if a != (b & 0xFFFF)]
        if bad:
            raise RecordError(f"{mat_path}: checksum mismatch in lead(s) {bad}: the .mat file is corrupt or belongs "
                              "to another header")
    bad_units = {u for u in header.units if u.lower() not in ("mv", "")}
    if bad_units:
        raise RecordError(f"{base}.hea: units {sorted(bad_units)}, expected mV")
    signal = (val - header.baselines[:, None]) / header.gains[:, None]
    codes = header.snomed
    labels = tuple(dict.fromkeys(SNOMED_LABELS[c] for c in codes if c in SNOMED_LABELS))
    meta = {"snomed": codes, "age": header.comments.get("Age"), "sex": header.comments.get("Sex"),
            "source": _challenge_source(header.record)}
    return EcgRecord(canonical_12lead(signal.astype(np.float32), header.lead_names, str(base)), header.fs, LEADS,
                     header.record, header.record, labels, meta)


def _challenge_source(name: str) -> str:
    for prefix, source in (("HR", "PTB-XL"), ("JS", "Chapman-Shaoxing/Ningbo"), ("A", "CPSC2018"),
                           ("Q", "CPSC2018 extra"), ("E", "Georgia"), ("S", "PTB"), ("I", "St Petersburg")):
        if name.startswith(prefix):
            return source
    return "unknown"


class CinC2021(Database):
    """A folder of CinC 2020/2021 records (``*.hea`` + ``*.mat``, searched recursively).

    Records vary in length (CPSC: 6–60 s) and rate (mostly 500 Hz), so :meth:`records` yields them
    one by one; :meth:`load` stacks the first ``seconds`` of every record at least that long,
    resampled to ``fs``. Each record is its own patient (the challenge gives no patient ids).
    About half of the records (:meth:`held_out`, fixed by the record's name) are never trained on: the ``cinc2021``
    evaluation set (:mod:`ecgtf.data.eval_sets`).
    """

    name, folders = "cinc2021", ("cinc2021", "cinc2021-extra")
    about = "PhysioNet/CinC Challenge 2020/2021 .hea + .mat records, SNOMED #Dx; CC BY 4.0"

    @classmethod
    def detect(cls, path: Path) -> bool:
        return any(path.glob("*.mat")) or any(path.glob("*/*.mat"))

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.headers = sorted(h for h in self.root.rglob("*.hea") if h.with_suffix(".mat").exists())
        if not self.headers:
            raise FileNotFoundError(f"no CinC 2020/2021 records (NAME.hea + NAME.mat) under {self.root}")

    def ids(self) -> list[str]:
        return [str(h.with_suffix("")) for h in self.headers]

    def load_record(self, path: str) -> EcgRecord:
        return read_challenge_record(path)

    def records(self, progress: bool = False) -> Iterator[EcgRecord]:
        """Every readable record; unreadable ones are skipped with a warning (see :func:`iter_records`)."""
        return iter_records(self.ids(), self.load_record, "CinC 2021", progress)

    def load(self, seconds: float = 10.0, fs: float = 500.0, progress: bool = True) -> EcgDataset:
        from ecgtf.preprocessing.signal import resample

        n = int(round(seconds * fs))

        def one(path):
            rec = self.load_record(path)
            sig = resample(rec.signal, rec.fs, fs) if rec.fs != fs else rec.signal
            if sig.shape[1] < n:
                raise RecordError(f"{path}: {sig.shape[1] / fs:.1f} s long, shorter than {seconds:g} s")
            rec.signal, rec.fs = sig[:, :n].astype(np.float32), fs
            return rec

        return load_many(self.ids(), one, "CinC 2021", progress)

    # ---- roles (ecgtf.data.database) ----
    def labelled_records(self, progress: bool = False) -> Iterator[EcgRecord]:
        return self.records(progress=progress)

    def segment_stream(self):
        return self.records(), len(self.ids()), "mV", None

    @staticmethod
    def held_out(record: str) -> bool:
        """Whether a record (its name, e.g. ``E00012``, or path) belongs to the test half: the parity of the name's
        SHA-256, so the split does not depend on which other records a folder holds."""
        name = Path(record).name.split(".")[0]   # Georgia headers name their record "E00012.mat"
        return int(hashlib.sha256(name.encode()).hexdigest(), 16) % 2 == 1

    @classmethod
    def segment_splits(cls, cache, data_dir=None, val_fold: int = 9, test_fold: int = 10):
        """The records outside :meth:`held_out` train; the held-out ones are the test split."""
        test = np.array([cls.held_out(r) for r in cache.info["record_ids"]], bool)
        return {"train": np.flatnonzero(~test), "test": np.flatnonzero(test)}

    def millivolt_dataset(self, progress: bool = False) -> EcgDataset:
        """The first 10 s of every record at least that long, at 500 Hz."""
        return self.load(seconds=10.0, fs=500.0, progress=progress)


class CinC2011(Database):
    """PhysioNet/CinC Challenge 2011 set-a: 12-lead phone ECGs with acceptable/unacceptable labels.

    Labels: ``("acceptable",)`` or ``("unacceptable",)`` from ``RECORDS-acceptable`` /
    ``RECORDS-unacceptable`` (records in neither get no label). ``meta["saturated_leads"]`` counts
    leads touching the ADC rail and ``meta["flat_leads"]`` leads with no signal.
    """

    RAIL_ADU = 16000
    revision = 2
    """2: aVL/aVF swapped back where the headers have them the wrong way round (caches of revision 1 are rebuilt)."""
    name, folders = "cinc2011", ("cinc2011", "cinc2011-seta")
    about = "PhysioNet/CinC Challenge 2011 set-a, phone ECGs with quality labels; ODC-By 1.0"

    @classmethod
    def detect(cls, path: Path) -> bool:
        return (path / "RECORDS-acceptable").exists()

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.quality: dict[str, str] = {}
        for label in ("acceptable", "unacceptable"):
            f = self.root / f"RECORDS-{label}"
            if f.exists():
                self.quality.update({ln.strip(): label for ln in f.read_text().split() if ln.strip()})
        self.headers = sorted(self.root.glob("*.hea"))
        if not self.headers:
            raise FileNotFoundError(f"no CinC 2011 records (*.hea) under {self.root}")

    def ids(self, quality: str | None = None) -> list[str]:
        """Record names, optionally only those labelled ``quality`` ("acceptable"/"unacceptable")."""
        names = [h.stem for h in self.headers]
        return names if quality is None else [n for n in names if self.quality.get(n) == quality]

    def load_record(self, name: str) -> EcgRecord:
        """One record in canonical lead order; where the signals headed aVL and aVF obey Goldberger's laws only
        the other way round (most of set-a here: median residual 0.18 mV as headed, 0.002 mV swapped), they are
        swapped back (``meta["avl_avf_swapped"]``)."""
        path = self.root / name
        signal, fs, names = read_wfdb(path)
        raw, _, _ = read_wfdb(path, physical=False)
        saturated = int(np.sum(np.any(np.abs(raw) >= self.RAIL_ADU, axis=1)))
        flat = int(np.sum(np.ptp(raw, axis=1) == 0))
        q = self.quality.get(name)
        signal = canonical_12lead(signal, names, str(path))
        swapped = avl_avf_swapped(signal)
        if swapped:
            signal = signal[[0, 1, 2, 3, 5, 4, *range(6, 12)]]
        return EcgRecord(signal, fs, LEADS, name, name, (q,) if q else (),
                         {"quality": q, "saturated_leads": saturated, "flat_leads": flat, "avl_avf_swapped": swapped})

    def records(self, quality: str | None = None, progress: bool = False) -> Iterator[EcgRecord]:
        return iter_records(self.ids(quality), self.load_record, "CinC 2011", progress)

    def load(self, quality: str | None = None, progress: bool = True) -> EcgDataset:
        return load_many(self.ids(quality), self.load_record, "CinC 2011", progress)

    # ---- roles (ecgtf.data.database): acceptable recordings without a saturated or flat lead ----
    @staticmethod
    def usable(rec: EcgRecord) -> bool:
        """No lead touches the ADC rail, none is flat."""
        return rec.meta["saturated_leads"] == 0 and rec.meta["flat_leads"] == 0

    def segment_stream(self):
        ids = self.ids("acceptable")
        return (self.load_record(i) for i in ids), len(ids), "mV", self.usable

    def millivolt_dataset(self, progress: bool = False) -> EcgDataset:
        ds = self.load(quality="acceptable", progress=progress)
        return ds.subset([i for i, m in enumerate(ds.meta) if not m["saturated_leads"] and not m["flat_leads"]])


def iter_records(ids: Iterable, load_one, desc: str, progress: bool = False) -> Iterator[EcgRecord]:
    """Yield records one at a time (bounded memory), skipping unreadable ones with a logged warning."""
    import logging

    from ecgtf.progress import progress_bar

    ids = list(ids)
    for rid in progress_bar(ids, total=len(ids), desc=desc, disable=not progress or None):
        try:
            yield load_one(rid)
        except RecordError as exc:
            logging.getLogger(__name__).warning("skipping %s", exc)
