"""What a reconstruction returns: 12 leads in mV with the input and what was given, and its writers (PNG, CSV, NPZ,
WFDB), each written atomically."""
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

    def plot(self, path: str | Path | None = None, title: str | None = None):
        """Standard 12-lead paper layout (3×4 + lead-II rhythm strip); returns the figure."""
        title = title or f"12 leads reconstructed from Lead I by {self.model} ({self.units})"
        return plot_12lead(self.leads, self.fs, path, title=title)

    def to_csv(self, path: str | Path) -> Path:
        """CSV with a time column (s) and one column per lead (written atomically)."""
        path = Path(path)
        t = np.arange(self.leads.shape[1]) / self.fs
        header = "time_s," + ",".join(f"{n}_{self.units}" for n in self.lead_names)
        atomic_write(path, lambda fh: np.savetxt(fh, np.column_stack([t, self.leads.T]), delimiter=",",
                                                 header=header, comments="", fmt="%.6g"))
        return path

    def to_npz(self, path: str | Path) -> Path:
        """NPZ with leads, fs, units, lead names and the input (written atomically)."""
        path = Path(path)
        atomic_write(path, lambda fh: np.savez_compressed(
            fh, leads=self.leads.astype(np.float32), fs=self.fs, units=self.units,
            lead_names=np.array(self.lead_names), lead_i=self.lead_i.astype(np.float32)), mode="wb")
        return path

    def to_wfdb(self, path: str | Path) -> Path:
        """A WFDB record (``.hea`` + ``.dat``, format 16) named after ``path`` without extension."""
        import wfdb

        path = Path(path)
        path = path.with_suffix("") if path.suffix.lower() in (".hea", ".dat") else path
        if not re.fullmatch(r"[A-Za-z0-9_-]+", path.name):
            raise ValueError(f"{path}: {path.name!r} is not a WFDB record name (letters, digits, '_' and '-' only); "
                             "wfdb could not read such a record back")
        path.parent.mkdir(parents=True, exist_ok=True)
        units = "mV" if self.units == "mV" else "NU"
        tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}."))
        try:  # written into a temporary folder, then both files renamed into place
            wfdb.wrsamp(path.name, fs=self.fs, units=[units] * 12, sig_name=list(self.lead_names),
                        p_signal=self.leads.T.astype(np.float64), fmt=["16"] * 12, write_dir=str(tmp),
                        comments=[f"reconstructed from Lead I by {self.model} (ecgtf)"])
            for ext in (".dat", ".hea"):
                os.replace(tmp / (path.name + ext), path.with_suffix(ext))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return path.with_suffix(".hea")
