"""New loaders (CinC 2011/2021, z-scored PTB-XL), the on-disk segment cache and its stream, the z-unit guard."""
import json
import os
from pathlib import Path

import numpy as np
import pytest
from conftest import SHARED  # noqa: E402


def _need(folder: str) -> Path:
    p = SHARED / folder
    if not p.is_dir():
        pytest.skip(f"{p} not present (real data lives only on the developers' machines)")
    return p


@pytest.mark.realdata
def test_cinc2021_all_records_including_georgia_headers():
    from ecgtf.data.cinc import CinC2021, read_challenge_header

    db = CinC2021(_need("cinc2021-extra"))
    recs = list(db.records())
    assert len(recs) == 106                       # wfdb.rdrecord fails on the 40 Georgia headers; we read all
    georgia = [r for r in recs if r.record_id.startswith("E")]
    assert len(georgia) == 40
    for r in recs:
        assert r.signal.shape[0] == 12 and r.fs == 500.0 and r.units == "mV"
        assert 0.05 < np.percentile(np.abs(r.signal), 99) < 10   # plausible mV
    h = read_challenge_header(db.headers[0])
    assert h.snomed and h.fs == 500.0
    labels = {lab for r in recs for lab in r.labels}
    assert {"NORM", "AFIB", "CRBBB"} <= labels
    ds = db.load(seconds=10, progress=False)
    assert ds.signals.shape[1:] == (12, 5000)


def test_cinc2021_bad_files_are_named(tmp_path):
    from ecgtf.data.cinc import read_challenge_record
    from ecgtf.data.records import RecordError

    (tmp_path / "X1.hea").write_text("X1 12 500 5000 05-May-2020 14:50:55\n")
    with pytest.raises(RecordError, match="X1.hea"):
        read_challenge_record(tmp_path / "X1")
    (tmp_path / "X2.hea").write_text("X2 1 500 10\nX2.mat 16+24 1000/mV 16 0 0 0 0 I\n")
    (tmp_path / "X2.mat").write_bytes(b"not a mat file")
    with pytest.raises(RecordError, match="X2.mat"):
        read_challenge_record(tmp_path / "X2")


@pytest.mark.realdata
def test_cinc2011_quality_labels():
    from ecgtf.data.cinc import CinC2011

    db = CinC2011(_need("cinc2011-seta"))
    assert len(db.ids("acceptable")) == 773 and len(db.ids("unacceptable")) == 225
    r = db.load_record(db.ids("unacceptable")[0])
    assert r.fs == 250.0 and r.labels == ("unacceptable",) and r.signal.shape == (12, 2500)
    assert "saturated_leads" in r.meta


@pytest.mark.realdata
def test_ptbxl_zscore_records_are_z_units():
    from ecgtf.data.ptbxl import PtbxlZscore
    from ecgtf.data.records import UnitsError, require_millivolts

    db = PtbxlZscore(_need("ptb-xl-zscore"))
    assert len(db.ids()) == 1784 and len(db.rows) == 248
    r = db.load_record(db.ids()[0])
    assert r.units == "z" and r.fs == 100.0 and r.signal.shape == (12, 1000)
    np.testing.assert_allclose(r.signal.std(axis=1), 1.0, atol=0.02)
    with pytest.raises(UnitsError, match="millivolts"):
        require_millivolts(r.units, "ptb-xl-zscore")


def test_z_units_never_enter_mv_training(tmp_path):
    """A z-unit source is refused by the fixed-scale (mV) EKGAN pipeline with a clear message."""
    from ecgtf.data.records import UnitsError, require_millivolts

    with pytest.raises(UnitsError, match="shape only"):
        require_millivolts("z", "data")
    require_millivolts("mV")  # no error


def _synthetic_records(n, start=0, fail_at=None):
    from ecgtf.data.records import EcgRecord
    from ecgtf.data.synthetic import generate_record
    from ecgtf.leads import LEADS

    for i in range(start, n):
        if fail_at is not None and i == fail_at:
            raise KeyboardInterrupt("simulated crash")
        rec = generate_record(seed=i)
        yield EcgRecord(rec.signal, rec.fs, LEADS, f"s{i}", f"s{i}")


def test_cache_build_is_resumable_and_identical(tmp_path):
    from ecgtf.data.cache import CacheSpec, SegmentCache, build_cache

    spec = CacheSpec(shard_size=4)
    build_cache(tmp_path / "full", _synthetic_records(10), spec, source="synthetic", progress=False)
    with pytest.raises(KeyboardInterrupt):
        build_cache(tmp_path / "part", _synthetic_records(10, fail_at=9), spec, source="synthetic", progress=False)
    manifest = json.loads((tmp_path / "part" / "manifest.json").read_text())
    assert not manifest["complete"] and len(manifest["shards"]) == 2     # 8 records in 2 finished shards
    with pytest.raises(ValueError, match="interrupted"):
        SegmentCache(tmp_path / "part")
    build_cache(tmp_path / "part", _synthetic_records(10), spec, source="synthetic", progress=False)  # resume
    a, b = SegmentCache(tmp_path / "full"), SegmentCache(tmp_path / "part")
    assert len(a) == len(b) == 10
    np.testing.assert_array_equal(a.segments(range(10)), b.segments(range(10)))
    assert a.info["record_ids"] == b.info["record_ids"]
    assert not list((tmp_path / "part").glob(".*tmp"))                  # no temp files left behind
    with pytest.raises(ValueError, match="other settings"):
        build_cache(tmp_path / "full", _synthetic_records(2), CacheSpec(fs=50.0), source="synthetic", progress=False)


@pytest.mark.parametrize("damage", ["flipped shard byte", "truncated shard", "truncated manifest",
                                    "manifest a list", "edited shard info"])
def test_a_damaged_cache_is_refused_with_how_to_rebuild_it(tmp_path, damage):
    """Shards carry SHA-256 digests in the manifest: a flipped byte, a truncated shard or index, an edited info file
    are refused (naming the file and saying that deleting the folder rebuilds it), never read as data."""
    import shutil

    from ecgtf.data.cache import CacheSpec, SegmentCache, build_cache

    build_cache(tmp_path / "good", _synthetic_records(6), CacheSpec(shard_size=4), source="synthetic", progress=False)
    assert len(SegmentCache(tmp_path / "good")) == 6
    d = tmp_path / "bad"
    shutil.copytree(tmp_path / "good", d)
    shard, manifest = d / "shard_00000.npy", d / "manifest.json"
    if damage == "flipped shard byte":
        data = bytearray(shard.read_bytes())
        data[len(data) // 2] ^= 0x20
        shard.write_bytes(bytes(data))
    elif damage == "truncated shard":
        shard.write_bytes(shard.read_bytes()[:1000])
    elif damage == "truncated manifest":
        manifest.write_text(manifest.read_text()[:40])
    elif damage == "manifest a list":
        manifest.write_text("[]")
    else:
        (d / "shard_00000.json").write_text((d / "shard_00000.json").read_text().replace("s1", "s9"))
    with pytest.raises(ValueError, match=f"delete {d}"):
        SegmentCache(d)
    # an old cache without digests in its manifest: a truncated shard is still caught by its size
    shutil.rmtree(d)
    shutil.copytree(tmp_path / "good", d)
    doc = json.loads(manifest.read_text())
    for entry in doc["shards"]:
        entry.pop("sha256"), entry.pop("info_sha256")
    manifest.write_text(json.dumps(doc))
    shard.write_bytes(shard.read_bytes()[:1000])
    with pytest.raises(ValueError, match="shard"):
        SegmentCache(d)


def test_stream_mixes_sources_with_bounded_memory(tmp_path):
    from ecgtf.data.cache import CacheSpec, SegmentCache, build_cache, mix_caches

    spec = CacheSpec(shard_size=8)
    build_cache(tmp_path / "a", _synthetic_records(12), spec, source="a", progress=False)
    build_cache(tmp_path / "b", (r for r in _synthetic_records(6)), spec, source="b", units="mV", progress=False)
    a, b = SegmentCache(tmp_path / "a"), SegmentCache(tmp_path / "b")
    assert all(isinstance(s, np.memmap) for s in a.shards)               # nothing loaded up front
    stream = mix_caches([(a, np.arange(len(a)), 3.0), (b, np.arange(len(b)), 1.0)], window=512, batch_size=64, seed=1)
    x, is_mv = next(stream)
    assert x.shape == (64, 12, 512) and x.dtype == np.float32 and is_mv.all()
    assert np.all(np.isfinite(x))
    with pytest.raises(ValueError, match="weights"):
        next(mix_caches([(a, np.arange(len(a)), 0.0)], window=512, batch_size=4))


def test_unet1d_window_targets_match_tf():
    from ecgtf.models.unet1d.model import window_targets_tf
    from ecgtf.models.unet1d.preprocessing import window_targets

    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 12, 512)).astype(np.float32) * rng.uniform(0.05, 2, (3, 12, 1)).astype(np.float32)
    x[1, 5] = 0.0                                                          # a flat lead: invalid, no NaN
    lead_i, shape, gain, valid = window_targets(x)
    tl, ts, tg, tv = (np.asarray(t) for t in window_targets_tf(x, 0.005))
    np.testing.assert_allclose(shape, ts, atol=1e-4)
    np.testing.assert_allclose(gain, tg, atol=1e-4)
    assert not valid[1, 5] and np.array_equal(valid, tv.astype(bool))
    # shape · std_I · exp(gain) + mean reproduces the window: the decomposition is exact
    std_i = x[:, :1].std(-1, keepdims=True)
    recon = shape.transpose(0, 2, 1) * std_i * np.exp(gain)[..., None] + x.mean(-1, keepdims=True)
    np.testing.assert_allclose(recon[0], x[0], atol=1e-4)


def test_unet1d_trains_tiny(tmp_path):
    """One tiny epoch end to end on a synthetic cache: run dir, best weights, resume refuses nothing."""
    from ecgtf.models.unet1d.trainer import main
    from ecgtf.runs import Run

    env = {"ECGTF_CACHE": str(tmp_path / "cache")}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        rc = main(["--sources", "synthetic:1", "--n-synthetic", "12", "--epochs", "1", "--steps-per-epoch", "2",
                   "--batch-size", "4", "--filters", "4,8,8", "--kernel", "3", "--out", str(tmp_path / "run"),
                   "--verbose", "0"])
    finally:
        for k, v in old.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    assert rc == 0  # validates on PTB-XL fold 9, or on held-out synthetic segments without PTB-XL
    run = Run(tmp_path / "run")
    assert run.model == "unet1d" and run.architecture.filters == (4, 8, 8)
    assert run.generator("final").count_params() > 0


def test_database_roles_come_from_the_database_classes(tmp_path):
    """Which database serves which role is said by the database classes; the lists of allowed sources follow."""
    from ecgtf.data.download import DATABASES as DOWNLOADABLE
    from ecgtf.data.labelled import LABELLED_SOURCES
    from ecgtf.data.reference import MV_SOURCES
    from ecgtf.data.segments import SEGMENT_SOURCES
    from ecgtf.data.sources import database

    assert LABELLED_SOURCES == ("ptb-xl", "ptb-xl-zscore", "ludb", "cinc2021")
    assert SEGMENT_SOURCES == ("ptb-xl", "ptb-xl-zscore", "cinc2011", "cinc2021", "synthetic")
    assert MV_SOURCES == ("ptb-xl", "ludb", "cinc2011", "cinc2021")
    assert sorted(DOWNLOADABLE) == ["ludb", "mitdb", "nstdb", "ptb-xl"]
    with pytest.raises(ValueError, match="segment stream.*'ptb-xl'"):   # LUDB is the external test set
        database("ludb", tmp_path, role="segment_stream")
    with pytest.raises(FileNotFoundError, match="ecgtf data download ludb"):
        database("ludb", tmp_path, role="labelled_records")
