import shutil
import warnings

import numpy as np
import pytest
from conftest import SHARED, needs_cinc2011, needs_cinc2021, needs_ludb, needs_mitdb, needs_ptbxl

from ecgtf.data.records import RecordError, drop_exact_duplicates, load_many
from ecgtf.data.splits import assert_patient_disjoint, split_by_fold, split_by_patient
from ecgtf.leads import LEADS, limb_lead_law_error


@needs_ptbxl
def test_ptbxl_loads_with_labels_folds_and_mv():
    from ecgtf.data.ptbxl import PTBXL

    db = PTBXL(SHARED / "ptb-xl")
    ds = db.load(ids=db.ids()[:20], progress=False)
    assert ds.signals.shape == (20, 12, 5000) and ds.lead_names == LEADS and ds.fs == 500
    assert "NORM" in ds.labels[0] and ds.meta[0]["strat_fold"] == 3
    assert 0.2 < np.median(np.ptp(ds.signals[:, 1], axis=-1)) < 5  # mV
    assert set(db.ids(folds=[10])) == {i for i, r in db.rows.items() if r.strat_fold == 10}


@needs_ptbxl
def test_ptbxl_duplicates_removed_and_fold_split_is_patient_disjoint():
    from ecgtf.data.ptbxl import PTBXL

    ds = PTBXL(SHARED / "ptb-xl").load(progress=False)
    clean, dropped = drop_exact_duplicates(ds)
    assert sorted(dropped) == [("138", "137"), ("144", "143"), ("457", "456"), ("460", "459"), ("463", "145")]
    train, val, test = split_by_fold([m["strat_fold"] for m in clean.meta])
    assert len(train) + len(val) + len(test) == len(clean)
    assert_patient_disjoint(clean.patient_ids, train, val, test)


@needs_ludb
def test_ludb_common_gain_keeps_limb_laws_and_header_gains_break_them():
    from ecgtf.data.ludb import LUDB

    ours = LUDB(SHARED / "ludb").load(ids=["1", "2", "3"], progress=False)
    header = LUDB(SHARED / "ludb", gain=None).load(ids=["1", "2", "3"], progress=False)
    assert limb_lead_law_error(ours.signals)["rms_III"] < 1e-6          # integers satisfy it exactly
    assert limb_lead_law_error(header.signals)["max"] > 0.1             # per-lead header gains do not
    assert ours.labels[0] == ("LAD",)
    ann = LUDB(SHARED / "ludb").annotations(1, "ii")
    assert {"p", "N", "t"} <= set(ann.symbol)


def _copy_record(tmp_path, name="00001_hr"):
    src = SHARED / "ptb-xl" / "records500" / "00000"
    for ext in (".hea", ".dat"):
        shutil.copy(src / (name + ext), tmp_path / (name + ext))
    return tmp_path / name


@needs_ptbxl
def test_truncated_record_raises_naming_the_file(tmp_path):
    from ecgtf.data.records import read_wfdb

    path = _copy_record(tmp_path)
    data = path.with_suffix(".dat")
    data.write_bytes(data.read_bytes()[:5000])
    with pytest.raises(RecordError, match="00001_hr"):
        read_wfdb(path)


@needs_ptbxl
def test_whole_dataset_load_skips_bad_records_with_count(tmp_path):
    from ecgtf.data.sources import load_wfdb_directory

    _copy_record(tmp_path, "00001_hr")
    _copy_record(tmp_path, "00002_hr")
    bad = _copy_record(tmp_path, "00003_hr").with_suffix(".dat")
    bad.write_bytes(b"\x00" * 10)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = load_wfdb_directory(tmp_path, progress=False)
    assert len(ds) == 2 and len(ds.skipped) == 1 and "00003_hr" in ds.skipped[0][1]
    assert any("skipped 1 of 3" in str(w.message) for w in caught)


def test_load_many_with_nothing_readable_says_so():
    def bad(_):
        raise RecordError("x.hea: broken")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="2 skipped"):
            load_many([1, 2], bad, "test", progress=False)


@needs_mitdb
def test_mitdb_record_and_beats():
    from ecgtf.data.mitdb import beat_segments, load_mitdb_record

    rec, ann = load_mitdb_record(SHARED / "mitdb", "100")
    assert rec.fs == 360 and rec.signal.shape[0] == 2 and rec.lead_names[0] == "MLII"
    beats, symbols = beat_segments(rec, ann)
    assert beats.shape[1] == 252 and len(beats) > 2200 and symbols.count("A") > 0


def test_nstdb_missing_directory_is_clear(tmp_path):
    from ecgtf.data.mitdb import load_nstdb_noise

    with pytest.raises(RecordError, match="bw.hea"):
        load_nstdb_noise(tmp_path, "bw")
    with pytest.raises(ValueError, match="expected one of"):
        load_nstdb_noise(tmp_path, "xx")


def test_download_offline_fails_with_clear_message(tmp_path, monkeypatch):
    import wfdb

    from ecgtf.data.download import DownloadError, download

    def offline(*args, **kwargs):
        raise ConnectionError("Failed to resolve 'physionet.org'")
    monkeypatch.setattr(wfdb, "dl_database", offline)
    with pytest.raises(DownloadError, match="needs internet access"):
        download("ludb", tmp_path)


def test_missing_directories_name_what_was_expected(tmp_path):
    from ecgtf.data.ludb import LUDB
    from ecgtf.data.ptbxl import PTBXL
    from ecgtf.data.sources import load_source

    with pytest.raises(FileNotFoundError, match="ptbxl_database.csv"):
        PTBXL(tmp_path)
    with pytest.raises(FileNotFoundError, match="no LUDB records"):
        LUDB(tmp_path)
    with pytest.raises(FileNotFoundError, match="no WFDB records"):
        load_source(str(tmp_path))


def test_split_by_patient_groups_and_is_deterministic():
    pids = [f"p{i // 3}" for i in range(60)]
    a = split_by_patient(pids, (0.6, 0.2, 0.2), seed=1)
    b = split_by_patient(pids, (0.6, 0.2, 0.2), seed=1)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert sum(len(s) for s in a) == 60
    assert_patient_disjoint(pids, *a)
    with pytest.raises(ValueError, match="share"):
        assert_patient_disjoint(pids, np.array([0]), np.array([1]))


@needs_ptbxl
def test_cross_session_patients_are_never_trained_on():
    """The 19 patients with recordings on two dates are the personalisation's cross-session test: no training split
    (PTB-XL mV nor its z-scored copies) holds their records, whatever their fold."""
    from types import SimpleNamespace

    from ecgtf.data.ptbxl import PTBXL, PtbxlZscore

    db = PTBXL.open(SHARED)
    pairs = db.cross_session_pairs()
    patients = db.cross_session_patients()
    assert len(pairs) == 19 and all(db.rows[a].recording_date[:10] < db.rows[b].recording_date[:10]
                                    for a, b, _ in pairs)
    ids = db.ids()
    splits = PTBXL.segment_splits(SimpleNamespace(info={"record_ids": [str(i) for i in ids]}), SHARED)
    trained = {db.rows[ids[i]].patient_id for i in splits["train"]}
    assert not trained & patients
    assert any(db.rows[a].strat_fold <= 8 for a, _, _ in pairs)      # without the rule some would be trained on
    pids = [db.rows[i].patient_id for i in ids]
    z = PtbxlZscore.segment_splits(SimpleNamespace(info={"patient_ids": pids}), SHARED)
    assert not {pids[i] for i in z["train"]} & patients


def test_cinc2021_half_is_held_out_by_name():
    """The CinC 2021 test half depends on the record's name only (path, ``.mat`` suffix and the folder's other
    records do not matter), is about half, and the training split never holds it."""
    from types import SimpleNamespace

    from ecgtf.data.cinc import CinC2021

    names = [f"{p}{i:05d}" for p in ("A", "E", "HR", "JS") for i in range(250)]
    held = [CinC2021.held_out(n) for n in names]
    assert 450 <= sum(held) <= 550
    assert all(CinC2021.held_out(f"/data/g/{n}.mat") == h for n, h in zip(names, held))
    splits = CinC2021.segment_splits(SimpleNamespace(info={"record_ids": names}))
    assert set(splits["test"]) == {i for i, h in enumerate(held) if h}
    assert sorted([*splits["train"], *splits["test"]]) == list(range(len(names)))


@needs_cinc2021
def test_cinc2021_evaluation_set_is_the_held_out_half():
    from ecgtf.data.cinc import CinC2021
    from ecgtf.data.eval_sets import load_eval_set

    signals, fs, ids = load_eval_set("cinc2021", SHARED)
    assert fs == 500.0 and signals.shape[1:] == (12, 5000) and len(ids) >= 40
    assert all(CinC2021.held_out(i) for i in ids)


@needs_cinc2011
def test_cinc2011_limb_leads_obey_goldbergers_laws_after_loading():
    """Most set-a records here carry aVL and aVF the wrong way round (0.18 mV median residual as headed); the loader
    swaps them back, so every usable record obeys the limb-lead laws to rounding."""
    from ecgtf.data.cinc import CinC2011, avl_avf_swapped
    from ecgtf.leads import limb_lead_residuals

    db = CinC2011.open(SHARED)
    swapped, worst = 0, 0.0
    for name in db.ids("acceptable")[:120]:
        rec = db.load_record(name)
        swapped += rec.meta["avl_avf_swapped"]
        if CinC2011.usable(rec):
            worst = max(worst, float(np.sqrt(np.mean(limb_lead_residuals(rec.signal.astype(float)) ** 2))))
            assert not avl_avf_swapped(rec.signal)            # nothing left to swap
    assert swapped > 60 and worst < 0.01
