"""What a reconstruction returns: 12 leads in mV with the input, what was given and a calibrated band per lead, and
its writers (PNG, CSV, NPZ, WFDB), each written atomically."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ecgtf.files import atomic_write
from ecgtf.leads import LEADS
from ecgtf.plots import plot_12lead


@dataclass
class Reconstruction:
    """A reconstructed 12-lead recording."""

    leads: np.ndarray
    """(12, n) at ``fs``, canonical lead order."""
    fs: float
    units: str
    lead_i: np.ndarray
    """The input Lead I (n,) as given."""
    windows: int = 0
    model: str = ""
    lead_names: tuple[str, ...] = LEADS
    info: dict = field(default_factory=dict)
    lower: np.ndarray | None = None
    """(12, n) lower bound in the output units: with probability :attr:`coverage` the true lead (band-passed
    0.5–40 Hz) lies between ``lower`` and ``upper`` (:mod:`ecgtf.intervals`); ``None`` for an uncalibrated model."""
    upper: np.ndarray | None = None
    """(12, n) upper bound (see :attr:`lower`)."""
    coverage: float | None = None
    """The nominal coverage of the band (e.g. 0.8); ``None`` without a band."""

    @property
    def has_band(self) -> bool:
        return self.lower is not None and self.upper is not None

    @property
    def band_width(self) -> np.ndarray | None:
        """(12,) mean width of each lead's band (output units): the per-lead summary of how sure the model is
        (0 for given leads); ``None`` without a band."""
        return None if not self.has_band else np.mean(self.upper - self.lower, axis=-1).astype(np.float32)

    def plot(self, path: str | Path | None = None, title: str | None = None):
        """Standard 12-lead paper layout (3×4 + lead-II rhythm strip) with each lead's band shaded behind it;
        returns the figure."""
        title = title or f"12 leads reconstructed from Lead I by {self.model} ({self.units})"
        if self.has_band:
            title += f"; shaded: {self.coverage:.0%} band"
        return plot_12lead(self.leads, self.fs, path, title=title,
                           bands=(self.lower, self.upper) if self.has_band else None)

    def _columns(self) -> tuple[list[str], list[np.ndarray]]:
        names = [f"{n}_{self.units}" for n in self.lead_names]
        rows = list(self.leads)
        if self.has_band:
            names += [f"{n}_lo_{self.units}" for n in self.lead_names] + [f"{n}_hi_{self.units}" for n in self.lead_names]
            rows += list(self.lower) + list(self.upper)
        return names, rows

    def to_csv(self, path: str | Path) -> Path:
        """CSV with a time column (s), one column per lead and, with a band, ``<lead>_lo_mV`` and ``<lead>_hi_mV``
        per lead (written atomically)."""
        path = Path(path)
        t = np.arange(self.leads.shape[1]) / self.fs
        names, rows = self._columns()
        header = "time_s," + ",".join(names)
        atomic_write(path, lambda fh: np.savetxt(fh, np.column_stack([t, np.stack(rows, 1)]), delimiter=",",
                                                 header=header, comments="", fmt="%.6g"))
        return path

    def to_npz(self, path: str | Path) -> Path:
        """NPZ with leads, fs, units, lead names and the input; with a band also ``lower``, ``upper`` and
        ``coverage`` (written atomically)."""
        path = Path(path)
        band = {"lower": self.lower.astype(np.float32), "upper": self.upper.astype(np.float32),
                "coverage": float(self.coverage)} if self.has_band else {}
        atomic_write(path, lambda fh: np.savez_compressed(
            fh, leads=self.leads.astype(np.float32), fs=self.fs, units=self.units,
            lead_names=np.array(self.lead_names), lead_i=self.lead_i.astype(np.float32), **band), mode="wb")
        return path

    def to_wfdb(self, path: str | Path) -> Path:
        """A WFDB record (``.hea`` + ``.dat``, format 16) named after ``path`` without extension; with a band, 36
        signals: the 12 leads, then ``<lead>_lo`` and ``<lead>_hi`` (the coverage in a header comment)."""
        import wfdb

        path = Path(path)
        path = path.with_suffix("") if path.suffix.lower() in (".hea", ".dat") else path
        if not re.fullmatch(r"[A-Za-z0-9_-]+", path.name):
            raise ValueError(f"{path}: {path.name!r} is not a WFDB record name (letters, digits, '_' and '-' only); "
                             "wfdb could not read such a record back")
        path.parent.mkdir(parents=True, exist_ok=True)
        units = "mV" if self.units == "mV" else "NU"
        names, rows = self._columns()
        names = [n.rsplit("_", 1)[0] for n in names]                       # I, …, I_lo, …, I_hi, …
        comments = [f"reconstructed from Lead I by {self.model} (ecgtf)"]
        if self.has_band:
            comments.append(f"{self.coverage:.0%} band: signals <lead>_lo and <lead>_hi (ecgtf.intervals)")
        tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}."))
        try:  # written into a temporary folder, then both files renamed into place
            wfdb.wrsamp(path.name, fs=self.fs, units=[units] * len(names), sig_name=names,
                        p_signal=np.stack(rows, 1).astype(np.float64), fmt=["16"] * len(names), write_dir=str(tmp),
                        comments=comments)
            for ext in (".dat", ".hea"):
                os.replace(tmp / (path.name + ext), path.with_suffix(ext))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return path.with_suffix(".hea")
