import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("ECGTF_NO_PROGRESS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

SHARED = Path(os.environ.get("ECGTF_SHARED_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data")).resolve()
REFERENCE = SHARED.parent / "reference"


def _need(path: Path, what: str):
    return pytest.mark.skipif(not path.exists(), reason=f"{what} not found at {path} (real data is only on "
                              "development machines; set ECGTF_SHARED_DATA to point elsewhere)")


# tests read the development copies explicitly (user-facing defaults never point at ../shared)
os.environ.setdefault("ECGTF_DATA", str(SHARED))
os.environ.setdefault("ECGTF_CACHE", tempfile.mkdtemp(prefix="ecgtf-test-cache-"))

needs_ptbxl = _need(SHARED / "ptb-xl" / "ptbxl_database.csv", "PTB-XL subset")
needs_ludb = _need(SHARED / "ludb" / "ludb.csv", "LUDB")
needs_mitdb = _need(SHARED / "mitdb" / "100.hea", "MIT-BIH record 100")
needs_nstdb = _need(SHARED / "nstdb" / "bw.hea", "MIT-BIH Noise Stress Test noise records")
needs_ecggan_weights = _need(REFERENCE / "ecggan" / "generator_80e.h5", "original ecgGAN weights")
