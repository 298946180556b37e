"""The MIT-BIH beat bench: inter-patient split, windows centred on R peaks, rates, classes."""

import numpy as np
import pytest
from conftest import SHARED, needs_mitdb

from ecgtf.data.mitdb_beats import AAMI, DS1, DS2, PACED, BeatWindowConfig, build_beats, record_beats

ROOT = SHARED / "mitdb"
needs_data = needs_mitdb


def test_inter_patient_split_is_disjoint_and_excludes_paced_records():
    assert len(DS1) == len(DS2) == 22
    assert not set(DS1) & set(DS2) and not (set(DS1) | set(DS2)) & set(PACED)
    assert len(set(DS1) | set(DS2) | set(PACED)) == 48
    assert {AAMI[s] for s in "NLRej"} == {"N"} and AAMI["V"] == "V" and AAMI["/"] == "Q"


def test_config_is_validated():
    with pytest.raises(ValueError, match="AAMI"):
        BeatWindowConfig(classes=("L",))
    with pytest.raises(ValueError, match="normalization"):
        BeatWindowConfig(normalization="max")
    assert BeatWindowConfig().length == 256


@needs_data
def test_beats_are_centred_on_r_peaks_in_millivolts():
    beats, sym = record_beats(ROOT, 100)
    assert beats.shape[1] == 256 and len(sym) > 2000 and beats.dtype == np.float32
    normal = beats[sym == "N"]
    # the R peak sits at the window's `before` sample: the median beat peaks there (within 30 ms)
    peak = int(np.argmax(np.median(normal, axis=0)))
    assert abs(peak - 90) <= 11
    assert 0.5 < np.ptp(np.median(normal, axis=0)) < 4.0           # mV, not adu
    # record 114 stores MLII second: found by name
    b114, _ = record_beats(ROOT, 114)
    assert abs(int(np.argmax(np.median(b114, axis=0))) - 90) <= 11


@needs_data
def test_resampled_normalised_symbol_subsets():
    cfg = BeatWindowConfig(before=60, after=127, fs=125.0, symbols=("N", "L", "R"), normalization="minmax")
    s = build_beats(ROOT, cfg, split="100,111,118")
    assert s.beats.shape[1] == 187 and set(np.unique(s.symbols)) <= {"N", "L", "R"}
    assert np.all((s.beats >= 0) & (s.beats <= 1)) and s.fs == 125.0 and s.units == "minmax"
    assert set(np.unique(s.records)) == {"100", "111", "118"}
    assert s.counts()["N"] == len(s)
    with pytest.raises(ValueError, match="split"):
        build_beats(ROOT, cfg, split="DS3")
