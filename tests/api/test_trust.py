"""Bad input and damaged files: property-based probes of the public array functions, and fault injection
(corrupted WFDB/.h5/.tflite/.npz files) with a fixed seed and a bounded number of examples."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from conftest import make_tiny_unet1d_run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

PROBE = settings(max_examples=25, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
    return make_tiny_unet1d_run(tmp_path_factory.mktemp("trust") / "run")


@pytest.fixture(scope="module")
def tiny_rec(tiny_dir):
    import ecgtf

    return ecgtf.Reconstructor.from_run(tiny_dir, "final")


values = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=32),
                   st.floats(-5, 5, width=32), st.just(0.0))
any_array = st.one_of(
    arrays(np.float64, st.integers(0, 3000), elements=values),
    arrays(np.float32, st.tuples(st.integers(1, 3), st.integers(0, 700)), elements=values),
    arrays(np.int16, st.integers(0, 3000)),
    st.lists(st.text(max_size=3), max_size=5).map(np.array),
)


@PROBE
@given(x=any_array, fs=st.one_of(st.floats(allow_nan=True), st.integers(-10, 5000), st.text(max_size=3), st.none()))
def test_reconstruct_never_answers_garbage(tiny_rec, x, fs):
    """Any array and any rate: a finite (12, n) reconstruction, or a ValueError saying what was wrong."""
    try:
        out = tiny_rec.reconstruct(x, fs)
    except ValueError as exc:
        assert str(exc)
        return
    assert out.leads.shape == (12, np.asarray(x).reshape(-1).size) and np.all(np.isfinite(out.leads))


@PROBE
@given(x=arrays(np.float64, st.integers(0, 3000), elements=values),
       fs=st.one_of(st.floats(50, 2000), st.floats(allow_nan=True, allow_infinity=True), st.just(0.0)))
def test_quality_gate_answers_any_samples_and_refuses_a_bad_rate(x, fs):
    """Any samples get a verdict with a reason, never an exception; a rate that is no rate is a ValueError."""
    from ecgtf.quality import assess

    if not (np.isfinite(fs) and 50 <= fs <= 20000):
        with pytest.raises(ValueError, match="sampling rate"):
            assess(x, fs)
        return
    q = assess(x, fs)
    assert isinstance(q.ok, bool) and 0.0 <= q.score <= 1.0 and (q.ok or q.reason)


@PROBE
@given(chunks=st.lists(arrays(np.float64, st.integers(0, 400), elements=values), max_size=12))
def test_stream_takes_any_1d_chunks(tiny_rec, chunks):
    stream = tiny_rec.stream(250)
    total = 0
    for c in chunks:
        out = stream.push(c)
        assert out.leads.shape[0] == 12 and out.valid.shape == (len(out),)
        assert np.all(np.isfinite(out.leads[:, out.valid]))
        total += len(out)
    assert len(stream.flush()) >= 0 and stream.buffer.size <= 5.12 * 250 + 2 * 250 + 400


@PROBE
@given(a=arrays(np.float64, st.tuples(st.integers(0, 3), st.integers(0, 50)), elements=values))
def test_metrics_on_odd_input(a):
    from ecgtf.reconstruction_eval import pearson

    with np.errstate(all="ignore"):
        r = pearson(a, a[::-1] if a.size else a)
    assert r.shape == a.shape[:-1]


# -- fault injection -----------------------------------------------------------------------------------

def _write_record(tmp_path, name="rec", seed=0):
    import wfdb

    rng = np.random.default_rng(seed)
    sig = np.cumsum(rng.standard_normal((5000, 2)), axis=0) * 0.01
    wfdb.wrsamp(name, fs=500, units=["mV", "mV"], sig_name=["I", "II"], p_signal=sig, fmt=["16", "16"],
                write_dir=str(tmp_path))
    return tmp_path / name


@pytest.mark.parametrize("damage", ["same-size random bytes", "bit flip", "truncated", "swapped with another"])
def test_damaged_wfdb_is_a_record_error(tmp_path, damage):
    from ecgtf.data.records import RecordError, read_wfdb

    path = _write_record(tmp_path)
    sig, fs, names = read_wfdb(path)
    assert sig.shape == (2, 5000) and fs == 500
    dat = path.with_suffix(".dat")
    data = bytearray(dat.read_bytes())
    if damage == "same-size random bytes":
        data = bytearray(np.random.default_rng(1).integers(0, 256, len(data), dtype=np.uint8).tobytes())
    elif damage == "bit flip":
        data[1234] ^= 0x10
    elif damage == "truncated":
        data = data[:len(data) // 2]
    else:                                       # the .dat of another recording, same size
        (tmp_path / "other").mkdir()
        data = bytearray(_write_record(tmp_path / "other", seed=7).with_suffix(".dat").read_bytes())
    dat.write_bytes(bytes(data))
    with pytest.raises(RecordError, match=str(path.name)):
        read_wfdb(path)


def test_corrupt_weights_are_refused(tiny_dir, tmp_path):
    from ecgtf.runs import Run

    run_dir = tmp_path / "run"
    shutil.copytree(tiny_dir, run_dir)
    net = Run(run_dir).generator("final")
    w = net.get_weights()
    w[0] = np.full_like(w[0], np.nan)          # what 0xFF bytes in an .h5 payload decode to
    net.set_weights(w)
    net.save_weights(str(run_dir / "final" / "reconstructor.weights.h5"))
    with pytest.raises(ValueError, match="NaN or inf"):
        Run(run_dir).generator("final")
    (run_dir / "final" / "reconstructor.weights.h5").write_bytes(b"\xff" * 65536)
    with pytest.raises((ValueError, OSError)):
        Run(run_dir).generator("final")


@pytest.fixture(scope="module")
def tiny_export(tiny_dir, tmp_path_factory):
    from export.engine import export_run

    out = tmp_path_factory.mktemp("exp")
    export_run(tiny_dir, ["float32"], out, n_validate=4, verbose=False, budget=1.0)
    return out


@pytest.mark.parametrize("damage", ["truncated", "bit flip", "another file"])
def test_damaged_tflite_is_refused_before_use(tiny_export, tmp_path, damage):
    import ecgtf
    from export.benchmark import main as bench

    d = tmp_path / "exp"
    shutil.copytree(tiny_export, d)
    f = d / "unet1d_float32.tflite"
    data = bytearray(f.read_bytes())
    if damage == "truncated":
        data = data[:len(data) // 3]
    elif damage == "bit flip":
        data[len(data) // 2] ^= 0x01
    else:
        data = bytearray(data[:-8] + b"\x00" * 8)
    f.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="SHA-256"):
        ecgtf.Reconstructor.from_tflite(f)
    assert bench([str(f), "--no-keras", "--runs", "2"]) != 0


def test_benchmark_checks_paths_and_heldout_before_timing(tiny_export, tmp_path, capsys):
    from export.benchmark import main as bench

    d = tmp_path / "exp"
    shutil.copytree(tiny_export, d)
    f = d / "unet1d_float32.tflite"
    assert bench([str(f), "--no-keras", "--runs", "2", "--out", str(tmp_path / "missing" / "b.json")]) != 0
    assert "checked before any timing" in capsys.readouterr().err
    assert bench([str(f), "--no-keras", "--threads", "0"]) != 0
    (d / "heldout.npz").write_bytes((d / "heldout.npz").read_bytes()[:100])
    assert bench([str(f), "--no-keras", "--runs", "2"]) != 0
    assert "unreadable" in capsys.readouterr().err
    meta = json.loads(f.with_suffix(".json").read_text())
    assert meta["sha256"]


def test_microvolts_into_a_millivolt_model_are_refused(tiny_rec):
    from ecgtf.data.synthetic import SyntheticConfig, generate_record

    x = generate_record(SyntheticConfig(duration_s=10), seed=0).signal[0]
    assert tiny_rec.reconstruct(x, 500).leads.shape == (12, 5000)
    with pytest.raises(ValueError, match="µV"):
        tiny_rec.reconstruct(x * 1000, 500)
    with pytest.raises(ValueError, match="ADC"):
        tiny_rec.reconstruct(x * 200000, 500)


def test_kill_9_during_export_leaves_no_partial_file(tiny_dir, tmp_path):
    """kill -9 at some point of an export: no .tflite under its final name unless complete with its
    metadata; rerunning the export then succeeds."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from ecgtf.lite import read_tflite_metadata

    out = tmp_path / "exp"
    cmd = [sys.executable, "-m", "export", str(tiny_dir), "--formats", "float32,float16,dynamic", "--out", str(out),
           "--budget", "1", "--n-validate", "4"]
    env = {**os.environ, "PYTHONPATH": str(os.getcwd())}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.time() + 120
    while not (out / "heldout.npz").exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)                           # the export has started writing: now kill it mid-conversion
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    for f in out.glob("*.tflite") if out.exists() else []:
        read_tflite_metadata(f)                     # complete: its metadata exists and its SHA-256 matches
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    assert sorted(f.name for f in out.glob("*.tflite")) == ["unet1d_dynamic.tflite", "unet1d_float16.tflite",
                                                           "unet1d_float32.tflite"]


def test_damaged_challenge_mat_is_a_record_error(tmp_path):
    import os
    from pathlib import Path

    from ecgtf.data.cinc import read_challenge_record
    from ecgtf.data.records import RecordError

    root = Path(os.environ.get("ECGTF_DATA", "")) / "cinc2021-extra"
    heads = sorted(root.rglob("*.hea")) if root.exists() else []
    if not heads:
        pytest.skip("CinC 2021 records not available (../shared/data/cinc2021-extra)")
    src = heads[0]
    for ext in (".hea", ".mat"):
        shutil.copy(src.with_suffix(ext), tmp_path / (src.stem + ext))
    base = tmp_path / src.stem
    assert read_challenge_record(base).signal.shape[0] == 12
    mat = base.with_suffix(".mat")
    data = bytearray(mat.read_bytes())
    data[-200] ^= 0x04                              # one sample changes; the size does not
    mat.write_bytes(bytes(data))
    with pytest.raises(RecordError, match="checksum|cannot read"):
        read_challenge_record(base)


def test_lstm_gan_h5_with_nan_weights_is_refused(tmp_path):
    """Issue 12 defect 4: an .h5 that decodes to NaN weights no longer yields NaN beats and 1NNC 0.000."""
    from ecgtf.models.lstm_gan import WeightsFileError, build_generator, load_original_weights
    from ecgtf.models.lstm_gan.evaluate import main as evaluate

    g = build_generator()
    w = g.get_weights()
    w[0] = np.full_like(w[0], np.nan)
    g.set_weights(w)
    path = tmp_path / "generator_80e.h5"
    g.save(path)
    with pytest.raises(WeightsFileError, match="NaN or inf"):
        load_original_weights(build_generator(), path)
    assert evaluate(["--original", str(path), "--out", str(tmp_path / "eval")]) != 0


def _flip_bytes(path, n: int = 4) -> None:
    """A few bytes flipped in the middle of a file, size unchanged (what a bad sector or a bad copy does)."""
    data = bytearray(path.read_bytes())
    for k in range(n):
        data[len(data) // 2 + 97 * k] ^= 0x5A
    path.write_bytes(bytes(data))


def test_preset_with_flipped_bytes_or_an_edited_config_is_refused(tmp_path):
    """A preset's weights and config carry SHA-256 digests: a few flipped bytes (which loaded and answered 1e25 mV)
    or an edited fs are refused, naming the file."""
    import ecgtf
    from ecgtf.files import IntegrityError
    from ecgtf.models.unet1d.presets import PRESET_ROOT
    from ecgtf.runs import Run

    good = tmp_path / "lite"
    shutil.copytree(PRESET_ROOT / "unet1d_lite", good)
    assert Run(good).generator("best") is not None          # the shipped files match their digests
    bad = tmp_path / "flipped"
    shutil.copytree(good, bad)
    _flip_bytes(bad / "final" / "best_reconstructor.weights.h5")
    with pytest.raises(IntegrityError, match="best_reconstructor.weights.h5"):
        ecgtf.Reconstructor.from_run(bad)
    edited = tmp_path / "edited"
    shutil.copytree(good, edited)
    cfg = json.loads((edited / "config.json").read_text())
    cfg["preprocessing"]["fs"] = 250.0
    (edited / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(IntegrityError, match="config.json"):
        Run(edited)


def test_tflite_metadata_edited_or_naming_another_tensor_is_refused(tiny_export, tmp_path):
    import ecgtf
    from ecgtf.files import json_digest

    d = tmp_path / "exp"
    shutil.copytree(tiny_export, d)
    f = d / "unet1d_float32.tflite"
    meta = json.loads(f.with_suffix(".json").read_text())
    assert meta["metadata_sha256"] == json_digest(meta, "metadata_sha256")
    edited = json.loads(json.dumps(meta).replace('"fs": 100.0', '"fs": 250.0'))
    assert edited != meta
    f.with_suffix(".json").write_text(json.dumps(edited))
    with pytest.raises(ValueError, match="changed after export"):
        ecgtf.Reconstructor.from_tflite(f)
    renamed = {**meta, "inputs": [{**meta["inputs"][0], "name": "not_a_tensor"}, *meta["inputs"][1:]]}
    renamed["metadata_sha256"] = json_digest(renamed, "metadata_sha256")
    f.with_suffix(".json").write_text(json.dumps(renamed))
    with pytest.raises(ValueError, match="not_a_tensor"):
        ecgtf.Reconstructor.from_tflite(f)


def test_a_model_answering_beyond_any_ecg_is_refused(tiny_rec):
    """Outputs are checked: a model answering 1e25 "mV" (corrupt weights without a digest) raises, in the batch
    API and in the live stream (where the window is dropped with its reason)."""
    from dataclasses import replace

    from ecgtf.data.synthetic import SyntheticConfig, generate_record
    from ecgtf.reconstructor import Reconstructor

    base = tiny_rec.base_pipeline
    broken = Reconstructor(replace(base, run_windows=lambda w: np.asarray(base.run_windows(w)) * 1e25 + 1.0),
                           "broken", "test")
    x = generate_record(SyntheticConfig(duration_s=10), seed=0).signal[0]
    with pytest.raises(ValueError, match="beyond any ECG"):
        broken.reconstruct(x, 500)
    chunk = broken.stream(500).push(x)
    assert chunk.events and all("beyond any ECG" in reason for _, reason in chunk.events)
    assert not chunk.valid.any()


def test_the_python_api_gates_input_like_the_cli(tiny_rec):
    """Reconstructor.reconstruct applies the quality gate by default: white noise, a lead off (2 µV noise, 50 Hz
    hum), a gain error and a wrong fs are refused saying what was measured; quality=False reconstructs anyway."""
    import warnings

    from ecgtf.data.synthetic import SyntheticConfig, generate_record

    x = generate_record(SyntheticConfig(duration_s=20), seed=0).signal[0].astype(np.float64)
    out = tiny_rec.reconstruct(x, 500)
    assert [v for *_, v, refused in out.info["quality"]] == ["ok", "ok"]
    rng = np.random.default_rng(0)
    t = np.arange(x.size) / 500
    cases = {"white noise": (rng.normal(0, 0.3, x.size), 500, "not an ECG"),
             "2 µV noise": (rng.normal(0, 0.002, x.size), 500, "lead off"),
             "50 Hz hum": (0.5 * np.sin(2 * np.pi * 50 * t), 500, "not an ECG"),
             "gain ×10": (x * 10, 500, "0.1 mV units or a gain"),
             "500 Hz said to be 100 Hz": (x, 100, "not sampled at 100 Hz|check fs"),
             "500 Hz said to be 2,000 Hz": (np.tile(x, 2), 2000, "not sampled at 2000 Hz")}
    for name, (signal, fs, message) in cases.items():
        with pytest.raises(ValueError, match=message):
            tiny_rec.reconstruct(signal, fs)
        assert tiny_rec.reconstruct(signal, fs, quality=False).leads.shape == (12, signal.size), name
    half = np.r_[x[:5000], rng.normal(0, 0.002, 5000)]          # lead off after 10 s: a warning, not an error
    with pytest.warns(UserWarning, match="1 of 2 segments refused"):
        out = tiny_rec.reconstruct(half, 500)
    assert [refused for *_, refused in out.info["quality"]] == [False, True]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tiny_rec.reconstruct(x, 500)


@pytest.mark.parametrize("edit, field", [
    (lambda c: [c], "expected a JSON object"),
    (lambda c: {**c, "preprocessing": {**c["preprocessing"], "fs": "100"}}, "Unet1dPreprocessing.fs"),
    (lambda c: {**c, "preprocessing": {**c["preprocessing"], "hop": 0}}, "Unet1dPreprocessing.hop = 0"),
    (lambda c: {**c, "preprocessing": {**c["preprocessing"], "band_hz": [40.0, 0.5]}}, "band_hz"),
    (lambda c: {**c, "preprocessing": {**c["preprocessing"], "window": None}}, "Unet1dPreprocessing.window"),
    (lambda c: {**c, "training": {**c["training"], "lr": float("nan")}}, "Unet1dTraining.lr"),
    (lambda c: {**c, "architecture": {**c["architecture"], "filters": "32,64"}}, "Unet1dConfig.filters"),
])
def test_a_run_config_of_the_wrong_shape_is_refused_naming_the_field(tiny_dir, tmp_path, edit, field):
    from ecgtf.runs import Run

    run_dir = tmp_path / "run"
    shutil.copytree(tiny_dir, run_dir)
    cfg = json.loads((run_dir / "config.json").read_text())
    (run_dir / "config.json").write_text(json.dumps(edit(cfg)))
    with pytest.raises(ValueError, match=field):
        Run(run_dir)


def test_corrupt_metrics_history_and_metadata_are_named(tiny_dir, tiny_export, tmp_path):
    import ecgtf
    from ecgtf.files import json_digest
    from ecgtf.runs import Run

    run_dir = tmp_path / "run"
    shutil.copytree(tiny_dir, run_dir)
    (run_dir / "metrics.json").write_text('{"val": 1')
    (run_dir / "history.json").write_text('{"loss": ["a"]}')
    with pytest.raises(ValueError, match="metrics.json: not valid JSON"):
        Run(run_dir).metrics()
    with pytest.raises(ValueError, match="history.json"):
        Run(run_dir).history()
    d = tmp_path / "exp"
    shutil.copytree(tiny_export, d)
    f = d / "unet1d_float32.tflite"
    meta = json.loads(f.with_suffix(".json").read_text())
    for broken in ({k: v for k, v in meta.items() if k != "preprocessing_config"},
                   {**meta, "preprocessing_config": {**meta["preprocessing_config"], "hop": -256}}):
        broken["metadata_sha256"] = json_digest(broken, "metadata_sha256")
        f.with_suffix(".json").write_text(json.dumps(broken))
        with pytest.raises(ValueError, match="unet1d_float32.json"):
            ecgtf.Reconstructor.from_tflite(f)


def test_stream_arguments_and_push_after_flush_are_refused(tiny_rec):
    """margin_s NaN/negative and a wrong quality object are ValueError/TypeError; pushing after flush() is refused
    (flush emits the last window half-covered: more samples would change what was already returned)."""
    for margin in (float("nan"), -1.0, "1"):
        with pytest.raises(ValueError, match="margin_s"):
            tiny_rec.stream(500, margin_s=margin)
    with pytest.raises(TypeError, match="QualityThresholds"):
        tiny_rec.stream(500, quality={"min_std_mv": 0.1})
    stream = tiny_rec.stream(500)
    stream.push(np.zeros(100))
    stream.flush()
    with pytest.raises(ValueError, match="flushed"):
        stream.push(np.zeros(100))
