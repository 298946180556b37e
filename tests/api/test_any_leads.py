"""Issue 30, first step: reconstruct from any leads the device records — given leads come back exactly, limb leads
that follow from two of them are derived exactly (Einthoven, Goldberger), the rest come from Lead I."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import make_tiny_unet1d_run

from ecgtf.data.synthetic import SyntheticConfig, generate_record
from ecgtf.leads import LEADS, lead_names


@pytest.fixture(scope="module")
def rec(tmp_path_factory):
    import ecgtf

    return ecgtf.Reconstructor.from_run(make_tiny_unet1d_run(tmp_path_factory.mktemp("leads") / "run"), "final")


@pytest.fixture(scope="module")
def record():
    return generate_record(SyntheticConfig(duration_s=12), seed=3).signal.astype(np.float64)   # (12, 6000) mV


@pytest.mark.parametrize("given", [("I", "II"), ("II", "III"), ("aVL", "aVF"), ("I", "II", "V2"), ("III", "aVR", "V1")])
def test_given_leads_exact_limb_leads_derived_rest_from_lead_i(rec, record, given):
    idx = [LEADS.index(n) for n in given]
    out = rec.reconstruct(record[idx], 500, leads=given)
    alone = rec.reconstruct(record[0], 500)
    np.testing.assert_array_equal(alone.leads[0], record[0].astype(np.float32))   # given alone: exact too
    for n in given:
        np.testing.assert_allclose(out.leads[LEADS.index(n)], record[LEADS.index(n)], atol=1e-5)
    for k in range(6):          # two limb leads given: all six follow (the synthetic record obeys the laws)
        np.testing.assert_allclose(out.leads[k], record[k], atol=1e-4)
    assert set(out.info["derived"]) == set(LEADS[:6]) - set(given)
    others = [k for k in range(6, 12) if LEADS[k] not in given]
    np.testing.assert_allclose(out.leads[others], alone.leads[others], atol=1e-5)   # from Lead I alone, today


def test_leads_that_do_not_fit_are_refused(rec, record):
    cases = [(record[[0, 1]], ("I", "I"), "given twice"), (record[[0, 1]], ("I", "XYZ"), "unknown lead name"),
             (record[[0]], ("I", "II"), "does not match leads"), (record[[6, 7]], ("V1", "V2"), "Lead I"),
             (record[[1]], ("II",), "Lead I"), (record[[0, 1]] * 1000, ("I", "II"), "millivolts")]
    for signal, names, message in cases:
        with pytest.raises(ValueError, match=message):
            rec.reconstruct(signal, 500, leads=names)
    assert lead_names("I, ii ,V2") == ("I", "II", "V2")


def test_a_csv_with_lead_named_columns_needs_no_leads_option(tmp_path, record, capsys):
    from ecgtf.cli import main
    from ecgtf.io import read_leads

    t = np.arange(record.shape[1]) / 500
    table = np.column_stack([t, record[0], record[1], record[7]])
    np.savetxt(tmp_path / "six.csv", table, delimiter=",", header="time_s,I_mV,II_mV,V2_mV", comments="", fmt="%.6f")
    signals, fs, names = read_leads(tmp_path / "six.csv", 500)
    assert names == ("I", "II", "V2") and signals.shape == (3, record.shape[1])
    assert read_leads(tmp_path / "six.csv", 500, "II")[2] == ("II",)
    run = make_tiny_unet1d_run(tmp_path / "run")
    rc = main(["reconstruct", str(tmp_path / "six.csv"), "--fs", "500", "--model", str(run), "-o",
               str(tmp_path / "out"), "--no-quality-gate"])
    assert rc == 0 and "derived exactly III, aVR, aVL, aVF" in capsys.readouterr().out
    out = np.loadtxt(tmp_path / "out.csv", delimiter=",", skiprows=1)
    np.testing.assert_allclose(out[:, 1 + LEADS.index("V2")], record[7], atol=1e-5)
    np.testing.assert_allclose(out[:, 1 + LEADS.index("aVF")], record[5], atol=1e-4)
    rc = main(["reconstruct", str(tmp_path / "six.csv"), "--fs", "500", "--model", str(run), "--leads", "V2",
               "-o", str(tmp_path / "out2")])
    assert rc == 2 and "Lead I" in capsys.readouterr().err


def test_read_leads_of_a_wfdb_record_reads_it_once_in_millivolts(tmp_path, record):
    import wfdb

    from ecgtf.io import InputFileError, read_leads

    wfdb.wrsamp("rec", fs=500, units=["uV"] * 12, sig_name=list(LEADS), p_signal=record.T * 1000.0, fmt=["16"] * 12,
                adc_gain=[1.0] * 12, baseline=[0] * 12, write_dir=str(tmp_path))
    signals, fs, names = read_leads(tmp_path / "rec.hea", leads=("aVF", "I", "V2"))
    assert names == ("aVF", "I", "V2") and fs == 500
    np.testing.assert_allclose(signals, record[[5, 0, 7]], atol=1e-3)       # µV in the header → mV
    with pytest.raises(InputFileError, match="250"):
        read_leads(tmp_path / "rec.hea", fs=250, leads=("I", "II"))


# -- an any-leads network (lead channels + presence mask) ------------------------------------------------------------
@pytest.fixture(scope="module")
def any_rec(tmp_path_factory):
    import ecgtf

    return ecgtf.Reconstructor.from_run(make_tiny_unet1d_run(tmp_path_factory.mktemp("any") / "run", any_leads=True,
                                                             seed=1, lead_mix=9), "final")


def test_any_leads_network_uses_the_given_chest_lead(any_rec, record):
    assert any_rec.pipeline.input_leads == 12
    alone = any_rec.reconstruct(record[0], 500, quality=False)
    np.testing.assert_array_equal(alone.leads[0], record[0].astype(np.float32))   # Lead I alone comes back exactly
    with_v2 = any_rec.reconstruct(record[[0, 7]], 500, quality=False, leads=("I", "V2"))
    np.testing.assert_allclose(with_v2.leads[7], record[7], atol=1e-5)             # given: exact
    others = [k for k in range(1, 12) if k != 7]
    assert np.abs(with_v2.leads[others] - alone.leads[others]).max() > 1e-3          # V2's information is used
    assert with_v2.info["reconstructed_from"] == "I,V2"
    limb = any_rec.reconstruct(record[[1, 2]], 500, quality=False, leads=("II", "III"))
    assert limb.info["reconstructed_from"] == "I,II,III,aVR,aVL,aVF"
    np.testing.assert_allclose(limb.leads[:6], record[:6], atol=1e-4)


def test_widened_lead_i_network_computes_the_same_function():
    from dataclasses import replace

    from ecgtf.models.unet1d.networks import Unet1dConfig, build_reconstructor, lead_i_inputs, widen_from_lead_i

    rng = np.random.default_rng(0)
    for members in (1, 2):
        cfg = Unet1dConfig(filters=(4, 8, 8), kernel=3, amp_hidden=8, members=members)
        lead_i_net, any_net = build_reconstructor(cfg), build_reconstructor(replace(cfg, any_leads=True))
        lead_i_net.set_weights([rng.uniform(0.2, 1.0, w.shape).astype("float32") for w in lead_i_net.get_weights()])
        widen_from_lead_i(lead_i_net, any_net)
        x = rng.normal(size=(3, 512)).astype("float32")
        a, b = lead_i_net(x)["leads"].numpy(), any_net(lead_i_inputs(x))["leads"].numpy()
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6 * np.abs(a).max())
        mixed = build_reconstructor(replace(cfg, any_leads=True, lead_mix=9))      # + own-scaled leads, linear path
        widen_from_lead_i(any_net, mixed)
        full = rng.normal(size=(3, 12, 512)).astype("float32")
        present = (rng.random((3, 12)) < 0.5).astype("float32")
        present[:, 0] = 1
        inputs = [full * present[..., None], present]
        a, b = any_net(inputs)["leads"].numpy(), mixed(inputs)["leads"].numpy()
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6 * np.abs(a).max())
    with pytest.raises(ValueError, match="cannot widen"):
        widen_from_lead_i(build_reconstructor(Unet1dConfig(filters=(4, 8, 8), kernel=3)),
                          build_reconstructor(Unet1dConfig(filters=(4, 8, 16), kernel=3, any_leads=True)))


def test_training_draws_lead_i_alone_a_third_of_the_time():
    from ecgtf.backend import tf
    from ecgtf.models.unet1d.model import random_present

    tf.random.set_seed(0)
    present = random_present(tf.constant([True] * 4000 + [False] * 1000)).numpy()
    assert (present[:, 0] == 1).all() and set(np.unique(present)) <= {0.0, 1.0}
    assert (present[4000:, 1:] == 0).all()                                   # z-unit windows: Lead I only
    lead_i_only = (present[:4000].sum(1) == 1).mean()
    limb = (present[:4000, 1:6].sum(1) == 5).mean()
    assert 0.28 < lead_i_only < 0.38 and 0.31 < limb < 0.39
    assert ((present[:4000, 1:6].sum(1) % 5) == 0).all()                      # limb leads all or none


def test_any_leads_tflite_matches_keras_and_reads_zero_rows_as_not_recorded(any_rec, record, tmp_path):
    import ecgtf
    from export.engine import export_run

    recs = export_run(any_rec.run.path, ["float32"], tmp_path, n_validate=4, n_calibration=4, verbose=False)
    assert recs[0]["passed"], recs
    meta = __import__("json").loads((tmp_path / "unet1d_float32.json").read_text())
    assert meta["inputs"][0]["name"] == "leads_in" and meta["inputs"][0]["shape"] == [1, 12, 512]
    lite = ecgtf.Reconstructor.from_tflite(tmp_path / "unet1d_float32.tflite")
    for leads in (("I",), ("I", "V2"), ("II", "III", "V5")):
        idx = [LEADS.index(n) for n in leads]
        a = any_rec.reconstruct(record[idx] if len(idx) > 1 else record[0], 500, quality=False, leads=leads)
        b = lite.reconstruct(record[idx] if len(idx) > 1 else record[0], 500, quality=False, leads=leads)
        np.testing.assert_allclose(b.leads, a.leads, atol=1e-4)


def test_training_an_any_leads_run_from_a_lead_i_run(tmp_path, capsys):
    import json

    from ecgtf.models.unet1d.trainer import main

    small = ["--data", "synthetic:1", "--n-synthetic", "8", "--steps-per-epoch", "1", "--batch-size", "4",
             "--filters", "4,8,8", "--kernel", "3", "--verbose", "0"]
    assert main(small + ["--epochs", "1", "--out", str(tmp_path / "lead_i")]) == 0
    assert main(small + ["--epochs", "1", "--out", str(tmp_path / "any"), "--any-leads", "--init-from",
                         str(tmp_path / "lead_i")]) == 0
    cfg = json.loads((tmp_path / "any" / "config.json").read_text())
    assert cfg["architecture"]["any_leads"] is True
    assert main(small + ["--out", str(tmp_path / "bad"), "--any-leads", "--init-from", str(tmp_path / "lead_i"),
                         "--filters", "4,8,16"]) != 0
    assert "--init-from" in capsys.readouterr().err and not (tmp_path / "bad").exists()
    assert main(small + ["--out", str(tmp_path / "bad"), "--lead-mix", "9"]) != 0
    assert "--lead-mix needs --any-leads" in capsys.readouterr().err and not (tmp_path / "bad").exists()
