"""Distillation (student training step, the CLI's data path), selective int8, live streams and the quality gate."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest
from conftest import make_tiny_unet1d_run


def _tiny(filters=(4, 8, 8)):
    from ecgtf.models.unet1d.networks import Unet1dConfig, build_reconstructor

    return build_reconstructor(Unet1dConfig(filters=filters, kernel=3, amp_hidden=8))


def test_student_step_matches_teacher_and_leaves_it_frozen():
    from ecgtf.backend import keras, tf
    from ecgtf.models.unet1d.model import Unet1dTrainer

    keras.utils.set_random_seed(0)
    teacher, student = _tiny((8, 8, 8)), _tiny((4, 4, 4))
    frozen = [w.copy() for w in teacher.get_weights()]
    model = Unet1dTrainer(student, teacher=teacher)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), lambda_truth=0.0, lambda_teacher=1.0, lambda_grad=2.0)
    rng = np.random.default_rng(0)
    t = np.arange(512) / 100
    x = (np.sin(2 * np.pi * 1.2 * t)[None, None] * rng.uniform(0.3, 1.5, (8, 12, 1))).astype(np.float32)
    x += 0.05 * rng.standard_normal(x.shape).astype(np.float32)
    batch = (tf.constant(x), tf.constant(np.zeros(8, bool)))   # z-unit windows: only the teacher gives gains
    first = {k: float(v) for k, v in model.train_step(batch).items()}
    for _ in range(40):
        last = {k: float(v) for k, v in model.train_step(batch).items()}
    assert {"kd_l1", "grad_l1"} <= set(first)
    assert last["kd_l1"] < 0.8 * first["kd_l1"]          # the student moves towards the teacher
    for a, b in zip(frozen, teacher.get_weights()):
        np.testing.assert_array_equal(a, b)               # the teacher never trains
    # without a teacher the losses are the plain ones
    plain = Unet1dTrainer(_tiny())
    plain.compile(optimizer=keras.optimizers.Adam(1e-3))
    assert "kd_l1" not in plain.train_step(batch)


def test_distillation_cli_records_teacher_and_refuses_a_typo(tmp_path):
    from ecgtf.models.unet1d.trainer import main
    from ecgtf.runs import Run

    teacher = make_tiny_unet1d_run(tmp_path / "teacher")
    env = {"ECGTF_CACHE": str(tmp_path / "cache")}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    args = ["--sources", "synthetic:1", "--n-synthetic", "8", "--epochs", "1", "--steps-per-epoch", "2",
            "--batch-size", "4", "--filters", "4,4,4", "--kernel", "3", "--verbose", "0"]
    try:
        rc = main(args + ["--teacher", str(teacher), "--out", str(tmp_path / "student")])
        assert rc == 0
        # a typo in --teacher fails before anything is written: the finished run stays
        assert main(args + ["--teacher", "no-such-preset", "--out", str(tmp_path / "student"), "--overwrite"]) != 0
        assert (tmp_path / "student" / "final" / "reconstructor.weights.h5").exists()
    finally:
        for k, v in old.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    run = Run(tmp_path / "student")
    assert run.training.teacher == str(teacher) and run.training.lambda_grad == 2.0
    assert run.architecture.filters == (4, 4, 4)
    assert run.generator("final").count_params() < Run(teacher).generator("final").count_params()
    hist = json.loads((tmp_path / "student" / "history.json").read_text())
    assert "kd_l1" in hist and "val_kd_l1" in hist
    # the split policy the student trained under is recorded and reaches the model card, with the teacher's
    from ecgtf.data.segments import SPLIT_REVISION, trained_split_revisions
    from ecgtf.models.unet1d.presets import training_data_text

    splits = json.loads((tmp_path / "student" / "splits.json").read_text())
    assert splits == [{"split_revision": SPLIT_REVISION, "training_segments": {"synthetic": 8},
                       "teacher_split_revisions": [1], "teacher_any_leads": False}]   # as the teacher was then
    assert trained_split_revisions(teacher) == [1]
    never = training_data_text([run])[2]
    assert "cross-session PTB-XL patients" in never and "its teacher `teacher` was trained before this split" in never
    assert "were trained on" in training_data_text([Run(teacher)])[2]
    # the card describes the teacher as recorded at training time, not as the folder of that name is today
    from ecgtf.models.unet1d.presets import model_card

    assert "a Lead I network" in model_card("x", [run], [], "")
    splits[-1]["teacher_any_leads"] = True
    (tmp_path / "student" / "splits.json").write_text(json.dumps(splits))
    assert "it sees the same leads" in model_card("x", [Run(tmp_path / "student")], [], "")


def test_selective_int8_keeps_normalisation_and_amplitude_in_float(tmp_path):
    from ai_edge_litert.interpreter import Interpreter

    from ecgtf.models.unet1d.mobile import Unet1dMobile
    from export.tflite import convert, float_tensor_names

    net = _tiny()
    mod = Unet1dMobile(net)
    rng = np.random.default_rng(0)
    cal = [rng.standard_normal((1, 512)).astype(np.float32) * 0.5 for _ in range(8)]
    content = convert(mod, "int8", lambda: ([c] for c in cal))
    interp = Interpreter(model_content=content)
    kinds = {}
    for t in interp.get_tensor_details():
        kinds.setdefault(np.dtype(t["dtype"]).name, []).append(t["name"])
    assert "int8" in kinds                                      # the U-Net body is quantized ...
    floats = float_tensor_names(content, ("standardize/", "log_gain/"))
    assert floats and all(n in kinds["float32"] for n in floats)  # ... normalisation and amplitude head are not
    runner = interp.get_signature_runner()
    x = cal[0]
    y = runner(lead_i=x)["leads"]
    ref = mod(x)
    assert y.shape == ref.shape == (1, 12, 512)
    assert np.sqrt(np.mean((y - ref) ** 2)) / np.std(ref) < 0.25


@pytest.fixture(scope="module")
def tiny_reconstructor(tmp_path_factory):
    import ecgtf

    return ecgtf.Reconstructor.from_run(make_tiny_unet1d_run(tmp_path_factory.mktemp("rec") / "run"), "final")


def _lead_i(seconds: float, fs: float, seed: int = 0) -> np.ndarray:
    from ecgtf.data.synthetic import SyntheticConfig, generate_record
    from ecgtf.preprocessing.signal import resample

    rec = generate_record(SyntheticConfig(duration_s=seconds), seed=seed)
    return resample(rec.signal[0], rec.fs, fs)


@pytest.mark.parametrize("fs", [250, 500])
def test_stream_matches_offline_and_stays_bounded(tiny_reconstructor, fs):
    from ecgtf.preprocessing.signal import resample

    x = _lead_i(60, fs)
    offline = resample(tiny_reconstructor.reconstruct(x, fs).leads, fs, 100.0)
    st = tiny_reconstructor.stream(fs)
    sizes, chunks = [], []
    for i in range(0, x.size, fs // 2):
        chunks.append(st.push(x[i:i + fs // 2]))
        sizes.append(st.buffer.size + st.out.held)
    chunks.append(st.flush())
    y = np.concatenate([c.leads for c in chunks], axis=1)
    assert y.shape[0] == 12 and y.shape[1] > 50 * 100 and np.concatenate([c.valid for c in chunks]).all()
    assert [c.start for c in chunks if len(c)] == sorted(c.start for c in chunks if len(c))
    ref = offline[1:, :y.shape[1]]                      # the reconstructed leads (Lead I is given)
    core = slice(200, y.shape[1] - 200)
    assert np.sqrt(np.mean((y[1:, core] - ref[:, core]) ** 2)) <= 0.1 * np.std(ref[:, core]) + 1e-6
    seen = tiny_reconstructor.pipeline.prepare(x, fs)[:y.shape[1]]     # Lead I as the model saw it (band-passed)
    assert np.sqrt(np.mean((y[0, core] - seen[core]) ** 2)) <= 0.05 * np.std(seen[core])   # per-window filtering (1 s margins)
    assert max(sizes) < 8 * fs + 1024                     # bounded: about a window plus margins


def test_stream_heals_after_lead_off_nan_and_saturation(tiny_reconstructor):
    fs = 500
    x = _lead_i(80, fs)
    x[10 * fs:25 * fs] = 0.0                               # lead off for 15 s
    x[40 * fs:40 * fs + 100] = np.nan                      # a NaN burst
    x[50 * fs:55 * fs] = np.clip(x[50 * fs:55 * fs] * 50, -3, 3)  # saturation
    st = tiny_reconstructor.stream(fs)
    chunks = [st.push(x[i:i + fs]) for i in range(0, x.size, fs)] + [st.flush()]
    valid = np.concatenate([c.valid for c in chunks])
    leads = np.concatenate([c.leads for c in chunks], axis=1)
    reasons = [r for c in chunks for _, r in c.events]
    assert any(r.startswith("flat") for r in reasons) and any(r.startswith("non-finite") for r in reasons)
    assert any(r.startswith("saturated") for r in reasons)
    assert not valid[15 * 100:20 * 100].any() and np.isnan(leads[:, 15 * 100:20 * 100]).all()
    assert valid[65 * 100:75 * 100].all() and np.isfinite(leads[:, 65 * 100:75 * 100]).all()  # healed
    with pytest.raises(ValueError, match="1-D"):
        tiny_reconstructor.stream(fs).push(np.zeros((12, 5000)))
    with pytest.raises(ValueError, match="flushed"):         # flush() ended that stream
        st.push(x[:fs])
    with pytest.raises(ValueError, match="sampling rate"):
        tiny_reconstructor.stream("500")


def test_quality_gate_reasons():
    from ecgtf.quality import assess

    fs = 250
    x = _lead_i(10, fs, seed=3)
    assert assess(x, fs).ok
    cases = {"flat": np.zeros_like(x) + 1e-4 * np.random.default_rng(0).standard_normal(x.size),
             "implausible amplitude": x * 1000, "saturated": np.clip(x * 20, -2, 2),
             "non-finite": np.where(np.arange(x.size) % 97 == 0, np.nan, x),
             "too short": x[:fs]}
    for reason, y in cases.items():
        q = assess(y, fs)
        assert not q.ok and q.reason.startswith(reason) and q.score == 0.0, (reason, q.reason)
    assert not assess(np.random.default_rng(1).standard_normal(x.size), fs).ok  # white noise: no ECG


def test_multiply_adds_and_matmul_microbenchmark():
    from ecgtf.backend import keras
    from ecgtf.kits.network_io import multiply_adds
    from export.microbench import matmul_throughput

    x = keras.Input((16, 2))
    y = keras.layers.Conv1D(4, 3, padding="same", use_bias=False)(x)            # 16 · 3 · 2 · 4 = 384
    y = keras.layers.Conv1DTranspose(3, 4, strides=2, padding="same")(y)       # 16 · 4 · 4 · 3 = 768
    y = keras.layers.Dense(5)(keras.layers.Flatten()(y))                        # 96 · 5 = 480
    inner = keras.Model(x, y)
    outer = keras.Model(x, inner(x))
    assert multiply_adds(inner) == multiply_adds(outer) == 384 + 768 + 480 * 1
    res = matmul_throughput(threads=(1,), m=16, k=64, n=32, runs=3)
    assert res["float32"][1] > 0 and res["int8"][1] > 0


def test_cli_quality_gate_refuses_a_flat_recording(tmp_path, capsys):
    from ecgtf.cli import main

    flat = tmp_path / "flat.csv"
    np.savetxt(flat, 1e-4 * np.random.default_rng(0).standard_normal(6000))
    assert main(["reconstruct", str(flat), "--fs", "500", "-o", str(tmp_path / "out"), "--model", "unet1d_lite"]) == 2
    err = capsys.readouterr()
    assert "quality gate" in err.err and "flat" in err.out + err.err
    assert not (tmp_path / "out.png").exists()
