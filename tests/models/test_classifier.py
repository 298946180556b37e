"""The diagnostic classifier (Ribeiro-style 1-D ResNet), its data and scores, and the diagnostic evaluation."""
import json

import numpy as np
import pytest
from conftest import needs_ludb, needs_ptbxl
from hypothesis import given, settings
from hypothesis import strategies as st

import ecgtf  # noqa: F401  (sets up Keras 2)
from ecgtf.backend import keras
from ecgtf.models.classifier.data import (
    CLASSES,
    ClassifierData,
    ClassifierPreprocessing,
    label_vectors,
    preprocess,
    split_records,
)
from ecgtf.models.classifier.networks import ResNetConfig, build_classifier
from ecgtf.models.classifier.scoring import auroc, best_f1_threshold, bootstrap, f1


def _expected_params(n_samples, n_leads, n_classes, k=16, stem=64, blocks=(128, 196, 256, 320)):
    """Ribeiro et al.'s network counted by hand: convolutions without bias, BatchNorm 4 per channel."""
    total = k * n_leads * stem + 4 * stem
    fin = stem
    for f in blocks:
        total += (fin * f if fin != f else 0) + k * fin * f + 4 * f + k * f * f + 4 * f
        fin = f
    return total + (n_samples // 4 ** len(blocks)) * blocks[-1] * n_classes + n_classes


def test_full_size_network_shape_and_parameter_count():
    net = build_classifier(ResNetConfig(), 4096, 12, len(CLASSES))
    assert net.input_shape == (None, 4096, 12) and net.output_shape == (None, len(CLASSES))
    assert net.count_params() == _expected_params(4096, 12, len(CLASSES))
    assert net.get_layer("res3_conv2").output_shape == (None, 16, 320)   # 4096 / 4^4 samples, 320 filters
    one = build_classifier(ResNetConfig(width=0.25), 1024, 1, 6)
    assert one.input_shape == (None, 1024, 1)


def test_network_refuses_lengths_the_strides_cannot_divide():
    with pytest.raises(ValueError, match="multiple of 4\\^4 = 256"):
        build_classifier(ResNetConfig(), 1000, 12, 6)
    with pytest.raises(ValueError, match="dropout"):
        build_classifier(ResNetConfig(dropout=1.0), 1024, 12, 6)


@settings(max_examples=20, deadline=None)
@given(gains=st.lists(st.floats(0.05, 20.0), min_size=12, max_size=12),
       offsets=st.lists(st.floats(-5.0, 5.0), min_size=12, max_size=12))
def test_input_ignores_each_leads_gain_and_offset(gains, offsets):
    """Per-lead z-scoring: a record and the same record in other units (per lead) give the same input."""
    rng = np.random.default_rng(0)
    x = np.cumsum(rng.normal(size=(12, 1000)), axis=1) * 0.01 + np.sin(np.arange(1000) / 7.0)
    pre = ClassifierPreprocessing(fs=100.0, n_samples=1024)
    a = preprocess(x, 100.0, pre)
    b = preprocess(x * np.array(gains)[:, None] + np.array(offsets)[:, None], 100.0, pre)
    assert a.shape == (1024, 12) and np.allclose(a, b, atol=1e-4)
    assert np.allclose(a[:1000].mean(0), 0, atol=1e-5) and np.allclose(a[:1000].std(0), 1, atol=1e-4)
    assert np.all(a[1000:] == 0)   # zero-padded to the network's length


def test_preprocess_picks_leads_and_refuses_bad_records():
    from ecgtf.leads import LEADS

    x = np.random.default_rng(1).normal(size=(12, 5000))
    x[3] = 0.0                                               # a flat lead stays 0, no division by zero
    pre = ClassifierPreprocessing(fs=100.0, n_samples=1024)
    out = preprocess(x, 500.0, pre)
    assert np.all(out[:, 3] == 0) and np.isfinite(out).all()
    lead_i = preprocess(x[:1], 500.0, ClassifierPreprocessing(fs=100.0, n_samples=1024, leads=("I",)), ("I",))
    assert np.allclose(lead_i[:, 0], out[:, 0])
    with pytest.raises(ValueError, match="NaN"):
        preprocess(np.full((12, 5000), np.nan), 500.0, pre)
    with pytest.raises(ValueError, match="needs leads"):
        preprocess(x[:2], 500.0, pre, ("I", "II"))
    assert preprocess(x, 500.0, pre, LEADS).shape == (1024, 12)


def test_labels_state_only_what_a_source_says():
    y, known = label_vectors(("SR", "CLBBB", "LAD"), "ludb")
    assert y[CLASSES.index("CLBBB")] == 1 and known[CLASSES.index("NORM")] == 0   # LUDB has no NORM statement
    y, known = label_vectors(("NORM",), "cinc2021")                                  # CinC's "NORM" is sinus rhythm
    assert known[CLASSES.index("NORM")] == 0 and known[CLASSES.index("AFIB")] == 1
    y, known = label_vectors(("NORM",), "ptb-xl")
    assert known.all() and y[CLASSES.index("NORM")] == 1
    _, known = label_vectors(("CLBBB",), "synthetic", "CLBBB")
    assert known[CLASSES.index("LAD")] == 0 and known[CLASSES.index("CLBBB")] == 1


def test_masked_loss_ignores_unstated_classes():
    from ecgtf.models.classifier.trainer import masked_bce

    loss = masked_bce(np.ones(3, np.float32))
    y = np.array([[1, 0, 0, 1, 1, 0]], np.float32)            # labels | known: only class 0 and 1 stated
    a = loss(y, np.array([[2.0, -1.0, 50.0]], np.float32)).numpy()
    b = loss(y, np.array([[2.0, -1.0, -50.0]], np.float32)).numpy()
    assert np.allclose(a, b) and a[0] > 0


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 5)), min_size=2, max_size=30))
def test_auroc_equals_the_pairwise_definition(pairs):
    y = np.array([p[0] for p in pairs])
    s = np.array([p[1] for p in pairs], float)
    value = auroc(y, s)
    if y.all() or not y.any():
        assert np.isnan(value)
        return
    pos, neg = s[y], s[~y]
    brute = np.mean([(a > b) + 0.5 * (a == b) for a in pos for b in neg])
    assert np.isclose(value, brute)


def test_f1_threshold_is_optimal_and_intervals_contain_the_estimate():
    rng = np.random.default_rng(3)
    y = rng.random(200) < 0.2
    p = np.clip(y * 0.3 + rng.random(200) * 0.7, 0, 1)
    t = best_f1_threshold(y, p)
    assert all(f1(y, p, t) >= f1(y, p, u) - 1e-12 for u in np.linspace(0, 1, 101))
    lo, hi = bootstrap(auroc, y, p, n=300)
    assert lo <= auroc(y, p) <= hi


@needs_ptbxl
@needs_ludb
def test_real_splits_are_patient_disjoint_and_hold_out_what_no_reconstructor_saw():
    from ecgtf.data.splits import assert_patient_disjoint
    from ecgtf.models.classifier.data import load_records

    data = ClassifierData(n_synthetic=12)
    records = load_records(data)
    parts = split_records(records, data)
    patients = [r["patient"] for r in records]
    assert_patient_disjoint(patients, parts["train"], parts["val"], parts["test"])
    test = [records[i] for i in parts["test"]]
    assert {r["source"] for r in test} == {"ptb-xl", "ludb"}
    assert all(records[i]["source"] != "synthetic" for i in parts["val"])      # validation sees real records only
    assert sum(records[i]["source"] == "synthetic" for i in parts["train"]) == 12
    assert all(r["fold"] in (9, 10) for r in test if r["source"] == "ptb-xl")
    assert all(r["units"] == "mV" for r in test)
    train = [records[i] for i in parts["train"]]
    assert not any(r["source"] == "ptb-xl" and r["fold"] in (9, 10) for r in train)
    # every class has positives in training (the z-scored rows bring most LBBB/RBBB/AF)
    y = np.stack([r["y"] * r["known"] for r in train]).sum(0)
    assert np.all(y > 0)


@pytest.fixture(scope="module")
def tiny_classifiers(tiny_runs, tmp_path_factory):
    """A 12-lead (a copy of the session's shared run) and a Lead-I classifier trained for one epoch on synthetic
    records (through the CLI; ``--sources``, the older spelling of ``--data``, still accepted)."""
    import shutil

    from ecgtf import registry
    from ecgtf.cli import main

    root = tmp_path_factory.mktemp("clf")
    common = ["--sources", "synthetic", "--synthetic", "48", "--fs", "100", "--n-samples", "1024", "--width", "0.125",
              "--epochs", "1", "--batch-size", "16", "--verbose", "0"]
    assert tuple(registry.get("classifier").smoke_args) == ("--data", *common[1:])
    shutil.copytree(tiny_runs("classifier"), root / "twelve")
    assert main(["train", "classifier", *common, "--leads", "I", "--out", str(root / "lead_i")]) == 0
    return root / "twelve", root / "lead_i"


def test_training_writes_a_usable_run_and_resumes(tiny_classifiers):
    from ecgtf.cli import main
    from ecgtf.runs import Run

    twelve, lead_i = tiny_classifiers
    run = Run(twelve)
    assert run.model == "classifier" and run.variant == "12lead" and Run(lead_i).variant == "lead_i"
    assert run.preprocessing.n_samples == 1024 and len(run.preprocessing.leads) == 12
    metrics = json.loads((twelve / "metrics.json").read_text())
    assert set(metrics["test"]) == set(CLASSES) and "counts" in metrics
    thresholds = json.loads((twelve / "final" / "thresholds.json").read_text())
    assert set(thresholds) == set(CLASSES)
    assert run.generator("best").output_shape == (None, len(CLASSES))
    assert main(["train", "classifier", "--out", str(twelve), "--resume", "--epochs", "2", "--verbose", "0"]) == 0
    assert len(Run(twelve).history()["loss"]) == 2


def test_bad_arguments_are_refused_before_a_run_exists(tmp_path, capsys):
    from ecgtf.cli import main

    out = tmp_path / "r"
    assert main(["train", "classifier", "--n-samples", "1000", "--out", str(out)]) == 2
    assert "multiple of" in capsys.readouterr().err and not out.exists()
    assert main(["train", "classifier", "--sources", "ptbxl-typo", "--out", str(out)]) == 2
    assert "unknown" in capsys.readouterr().err and not out.exists()


def test_diagnostic_evaluation_end_to_end(tiny_classifiers, tmp_path):
    """Originals, a shipped reconstructor and Lead I alone on the same held-out records, one table + a figure."""
    from ecgtf.cli import main
    from ecgtf.models.classifier.evaluate import LEAD_I_ALONE, ORIGINAL
    from ecgtf.models.classifier.evaluate import main as diagnostic

    twelve, lead_i = tiny_classifiers
    out = tmp_path / "diag"
    assert main(["evaluate", "--diagnostic", "--classifier", str(twelve), "--lead-i-classifier", str(lead_i), "--preset", "unet1d_lite",
                 "--max-records", "10", "--out", str(out), "--quiet"]) == 0
    res = json.loads((out / "results.json").read_text())
    assert set(res["classification"]) == {ORIGINAL, "preset unet1d_lite", LEAD_I_ALONE}
    assert res["n_records"] == 10 and set(res["delta_auroc"]) == {"preset unet1d_lite", LEAD_I_ALONE}
    rec = res["reconstruction"]["preset unet1d_lite"]
    assert -1 <= rec["r"] <= 1 and rec["units"] == "mV" and rec["rmse_oracle_mv"] > 0
    assert "ΔAUROC" in (out / "table.md").read_text() and (out / "examples.png").stat().st_size > 10_000
    # a Lead-I classifier given as the 12-lead one is refused with a message
    assert main(["evaluate", "--diagnostic", "--classifier", str(lead_i), "--out", str(out)]) == 2
    # called without the user API (below it, a model folder does not import it): a clear error, not a traceback
    assert diagnostic(["--classifier", str(twelve), "--out", str(out)]) == 2


def test_mixed_precision_logits_stay_float32():
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        net = build_classifier(ResNetConfig(width=0.125), 256, 12, 6)
        assert net(np.zeros((1, 256, 12), np.float32)).dtype == "float32"
    finally:
        keras.mixed_precision.set_global_policy("float32")
