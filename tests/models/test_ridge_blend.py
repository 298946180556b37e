"""Issue 30, I + chest lead: an any-leads network blended with ridge reconstructions from the given leads (in the
graph, so the phone's file carries it) — the layer, the fit, the choice of blend weights and the TFLite file."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from conftest import make_tiny_unet1d_run

from ecgtf.data.synthetic import SyntheticConfig, generate_record
from ecgtf.leads import LEADS
from ecgtf.models.unet1d.networks import Unet1dConfig, build_reconstructor, ridge_rows, widen_from_lead_i
from ecgtf.models.unet1d.ridge_blend import choose_alphas, fit_kernel, ridge_predict
from ecgtf.scores import pearson

SETS = ("I+V2", "I+II+V2")


def _inputs(windows, key):
    rows, _ = ridge_rows(key) if key != "I" else ((0,), (0,))
    mask = np.zeros(12, np.float32)
    mask[list(rows)] = 1
    return [windows * mask[None, :, None], np.repeat(mask[None], len(windows), 0)]


@pytest.mark.parametrize("members", [1, 2])
def test_blend_is_the_numpy_ridge_for_its_sets_and_the_network_elsewhere(members):
    rng = np.random.default_rng(members)
    cfg = Unet1dConfig(filters=(4, 8, 8), kernel=3, amp_hidden=8, members=members, any_leads=True, ridge_taps=9)
    base, blended = build_reconstructor(cfg), build_reconstructor(replace(cfg, ridge_sets=SETS))
    base.set_weights([w + rng.normal(0, 0.05, w.shape).astype("float32") for w in base.get_weights()])
    widen_from_lead_i(base, blended)
    layer = blended.get_layer("ridge_blend")
    kernels = [rng.normal(0, 0.2, w.shape).astype("float32") for w in layer.get_weights()[:-1]]
    alpha = rng.uniform(0, 1, (len(SETS), 12)).astype("float32")
    layer.set_weights(kernels + [alpha])
    windows = np.stack([generate_record(SyntheticConfig(duration_s=5.12, fs=100), seed=s).signal for s in range(3)])
    windows = windows.astype(np.float32)
    for s, key in enumerate(SETS):
        x = _inputs(windows, key)
        net = base(x)["leads"].numpy().astype(np.float64)
        want = alpha[s][None, :, None] * net + (1 - alpha[s][None, :, None]) * ridge_predict(x[0], ridge_rows(key)[1],
                                                                                               kernels[s])
        np.testing.assert_allclose(blended(x)["leads"].numpy(), want, atol=1e-4 * np.abs(want).max())
    for key in ("I", "I+V5"):                        # a set without a blend: the network alone
        x = _inputs(windows, key) if key == "I" else [windows * np.isin(np.arange(12), [0, 10])[None, :, None],
                                                      np.repeat(np.isin(np.arange(12), [0, 10])[None], 3, 0).astype("float32")]
        np.testing.assert_allclose(blended(x)["leads"].numpy(), base(x)["leads"].numpy(), rtol=1e-6, atol=1e-7)


def test_the_fitted_filter_recovers_a_linear_relation_between_leads():
    rng = np.random.default_rng(0)
    windows = rng.normal(size=(40, 12, 256))
    windows[:, 8] = 0.7 * np.roll(windows[:, 7], 2, -1) - 0.3 * windows[:, 0]     # V3 from V2 (20 ms later) and I
    kernel = fit_kernel(windows, ridge_rows("I+V2")[1], taps=9)
    pred = ridge_predict(windows, ridge_rows("I+V2")[1], kernel)
    assert np.nanmean(pearson(pred, windows)[:, 8]) > 0.99              # the relation, found
    assert np.nanmean(np.abs(pearson(pred, windows)[:, 9])) < 0.2        # V4 is noise: nothing to find
    np.testing.assert_allclose(ridge_predict(3 * windows, ridge_rows("I+V2")[1], kernel), 3 * pred, rtol=1e-6)


def test_blend_weights_follow_whichever_is_right_and_keep_given_leads():
    rng = np.random.default_rng(1)
    truth = rng.normal(size=(20, 12, 128))
    noise = rng.normal(size=truth.shape)
    net = truth + noise * np.where(np.arange(12) < 6, 0.1, 3.0)[None, :, None]        # network good on limb leads
    ridge = truth + noise[:, ::-1] * np.where(np.arange(12) < 6, 3.0, 0.1)[None, :, None]
    alpha = choose_alphas(net, ridge, truth, fixed_rows=(0, 7))
    assert alpha[0] == alpha[7] == 1.0
    assert (alpha[1:6] >= 0.9).all() and (alpha[[6, 8, 9, 10, 11]] <= 0.1).all()


def test_ridge_sets_are_checked():
    with pytest.raises(ValueError, match="need any_leads"):
        Unet1dConfig(ridge_sets=("I+V2",))
    with pytest.raises(ValueError, match="canonical order"):
        Unet1dConfig(any_leads=True, ridge_sets=("V2+I",))
    with pytest.raises(ValueError, match="odd"):
        Unet1dConfig(any_leads=True, ridge_sets=("I+V2",), ridge_taps=8)
    assert ridge_rows("I+II+V2") == ((0, 1, 2, 3, 4, 5, 7), (0, 1, 7))


def test_blended_run_reconstructs_and_its_tflite_file_matches_keras(tmp_path):
    import ecgtf
    from export.engine import export_run

    run = make_tiny_unet1d_run(tmp_path / "run", any_leads=True, seed=2, ridge_sets=SETS)
    rec = ecgtf.Reconstructor.from_run(run, "final")
    record = generate_record(SyntheticConfig(duration_s=12), seed=3).signal.astype(np.float64)
    recs = export_run(run, ["float32"], tmp_path / "out", n_validate=4, n_calibration=4, verbose=False)
    assert recs[0]["passed"], recs
    lite = ecgtf.Reconstructor.from_tflite(tmp_path / "out" / "unet1d_float32.tflite")
    for leads in (("I", "V2"), ("I", "II", "V2"), ("I",)):
        idx = [LEADS.index(n) for n in leads]
        a = rec.reconstruct(record[idx] if len(idx) > 1 else record[0], 500, quality=False, leads=leads)
        b = lite.reconstruct(record[idx] if len(idx) > 1 else record[0], 500, quality=False, leads=leads)
        np.testing.assert_allclose(b.leads, a.leads, atol=1e-4)
        np.testing.assert_allclose(a.leads[idx], record[idx], atol=1e-5)              # given leads: exact


def test_ridge_blend_cli_explains_what_it_cannot_do(tmp_path, capsys):
    from ecgtf.models.unet1d.ridge_blend import main

    lead_i = make_tiny_unet1d_run(tmp_path / "lead_i")
    blended = make_tiny_unet1d_run(tmp_path / "blended", any_leads=True, ridge_sets=SETS)
    any_leads = make_tiny_unet1d_run(tmp_path / "any", any_leads=True)
    cases = [(["--run", str(lead_i), "--out", str(tmp_path / "o1")], "not an any-leads run"),
             (["--run", str(blended), "--out", str(tmp_path / "o2")], "already ends in a ridge blend"),
             (["--run", str(any_leads), "--out", str(lead_i)], "exists; choose a new folder"),
             (["--run", str(any_leads), "--out", str(tmp_path / "o3"), "--sets", "V2+I"], "canonical order"),
             (["--run", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o4")], "not a run directory")]
    for args, message in cases:
        assert main(args) == 2
        assert message in capsys.readouterr().out
    assert not any((tmp_path / f"o{k}").exists() for k in range(1, 5))
