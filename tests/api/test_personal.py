"""Issue 30, calibrate once to a person: the per-person head, its profile file, its TFLite twin, its checks."""
from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import make_tiny_unet1d_run

from ecgtf.data.synthetic import SyntheticConfig, generate_record
from ecgtf.files import json_digest
from ecgtf.leads import LEADS, limb_lead_law_error
from ecgtf.personal import N_FEATURES, PersonalReconstructor, apply_head, fit_profile, personal_windows


@pytest.fixture(scope="module")
def rec(tmp_path_factory):
    import ecgtf

    return ecgtf.Reconstructor.from_run(make_tiny_unet1d_run(tmp_path_factory.mktemp("personal") / "run"), "final")


@pytest.fixture(scope="module")
def reference():
    return generate_record(SyntheticConfig(duration_s=10), seed=5).signal.astype(np.float64)


class KnownModel:
    """A stand-in whose 'reconstruction' is fixed, so the correction that maps it to the truth is known."""

    name, source = "known", "test"
    pipeline = SimpleNamespace(min_seconds=5.12, input_leads=1)

    def __init__(self, leads):
        self.leads = leads

    def reconstruct(self, lead_i, fs, quality=True, **kw):
        return SimpleNamespace(leads=self.leads[:, :np.asarray(lead_i).shape[-1]], info={})


def test_the_fitted_head_is_the_linear_map_that_made_the_truth(reference):
    from ecgtf.scores import to_eval_space

    rng = np.random.default_rng(0)
    model = reference + 0.3 * rng.standard_normal(reference.shape) * reference.std(1, keepdims=True)
    m = to_eval_space(model, 500)
    truth_eval = m.copy()
    truth_eval[1] = 1.7 * m[1] + 0.4 * m[0]
    truth_eval[7] = 0.6 * m[7] - 0.2 * m[0] + 0.5 * m[6]                # V2 borrows from V1: the head mixes leads
    from ecgtf.preprocessing.signal import resample

    truth = resample(truth_eval, 100.0, 500.0)[:, :reference.shape[1]]
    profile = fit_profile(KnownModel(model), truth, 500)
    w = profile.weights
    assert w.shape == (7, N_FEATURES)
    # the limb leads are collinear (III = II − I …) and the shifts correlate, so single weights are not identified:
    # the head is checked by what it computes
    corrected = apply_head(m, w)
    assert limb_lead_law_error(corrected)["max"] < 1e-9               # III, aVR, aVL, aVF follow from I and II
    for k in (1, 7):
        assert np.corrcoef(corrected[k], truth_eval[k])[0, 1] > 0.99
        assert np.sqrt(np.mean((corrected[k] - truth_eval[k]) ** 2)) < 0.1 * truth_eval[k].std()
    untouched = apply_head(m, fit_profile(KnownModel(model), model, 500).weights)
    assert np.sqrt(np.mean((untouched[6:] - m[6:]) ** 2)) < 0.05 * m[6:].std()     # nothing to correct: ~identity


def test_the_tflite_head_computes_what_python_does(tmp_path):
    from ai_edge_litert.interpreter import Interpreter

    from export.personal_head import export_personal_head

    path = export_personal_head(tmp_path)
    assert path.stat().st_size < 50_000
    rng = np.random.default_rng(1)
    x = rng.normal(size=(1, 12, 512)).astype("float32")
    x[0, [1, 2, 3, 4, 5, 6, 8, 9, 10, 11]] = 0                                # I and V2 recorded
    y = rng.normal(size=(1, 12, 512)).astype("float32")
    w = rng.normal(size=(7, N_FEATURES))
    runner = Interpreter(model_path=str(path)).get_signature_runner()
    out = runner(leads_in=x, model_leads=y, profile=w[None].astype("float32"))["leads"]
    np.testing.assert_allclose(out, personal_windows(lambda _: y, w)(x), atol=1e-4)


def test_personal_reconstructor_round_trips_and_refuses_what_does_not_fit(rec, reference, tmp_path):
    import ecgtf

    personal = rec.personalize(reference, 500)
    out = personal.reconstruct(reference[0], 500, quality=False)
    assert out.leads.shape == (12, 5000) and out.info["personal"] and np.all(np.isfinite(out.leads))
    given = personal.reconstruct(reference[:2], 500, leads=("I", "II"), quality=False)
    np.testing.assert_allclose(given.leads[1], reference[1], atol=1e-5)   # a given lead is never "corrected"
    path = personal.save(tmp_path / "p.profile.json")
    again = PersonalReconstructor.load(path, rec).reconstruct(reference[0], 500, quality=False)
    np.testing.assert_allclose(again.leads, out.leads, atol=1e-6)
    a, b = rec.stream(500).push(reference[0]), personal.stream(500).push(reference[0])
    assert b.leads.shape == a.leads.shape and np.all(np.isfinite(b.leads[:, b.valid]))
    assert np.abs(b.leads[1:, b.valid] - a.leads[1:, a.valid]).max() > 1e-4     # the head is in the stream
    doc = json.loads(path.read_text())
    assert doc["format"] == 3 and list(doc["heads"]) == ["I"]            # a Lead I model: the Lead I head
    older = {k: v for k, v in doc.items() if k not in ("profile_sha256", "heads")}
    v1 = {**older, "format": 1, "coefficients": {k: [1.0, 0.0] for k in doc["heads"]["I"]}}
    v1["profile_sha256"] = json_digest(v1, "profile_sha256")
    (tmp_path / "v1.json").write_text(json.dumps(v1))                 # a format-1 profile: identity (a=1, c=0)
    identity = PersonalReconstructor.load(tmp_path / "v1.json", rec).reconstruct(reference[0], 500, quality=False)
    generic = rec.reconstruct(reference[0], 500, quality=False)
    np.testing.assert_allclose(identity.leads[6:], generic.leads[6:], atol=1e-4)
    v2 = {**older, "format": 2, "coefficients": doc["heads"]["I"]}
    v2["profile_sha256"] = json_digest(v2, "profile_sha256")
    (tmp_path / "v2.json").write_text(json.dumps(v2))                 # format 2: the one Lead I head
    same = PersonalReconstructor.load(tmp_path / "v2.json", rec).reconstruct(reference[0], 500, quality=False)
    np.testing.assert_allclose(same.leads, out.leads, atol=1e-6)
    doc["heads"]["I"]["V1"][0] = 5.0
    (tmp_path / "edited.json").write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="changed after it was saved"):
        PersonalReconstructor.load(tmp_path / "edited.json", rec)
    (tmp_path / "broken.json").write_text(path.read_text()[:50])
    with pytest.raises(ValueError, match="broken.json"):
        PersonalReconstructor.load(tmp_path / "broken.json", rec)
    other = ecgtf.Reconstructor.from_preset("unet1d_lite")
    with pytest.raises(ValueError, match="fitted for"):
        PersonalReconstructor.load(path, other)
    cases = [(reference[:11], "12-lead"), (reference[:, :1500], "at least 4 s"), (reference * 1000, "millivolts"),
             (np.where(np.arange(5000) == 7, np.nan, reference), "NaN")]
    for ref, message in cases:
        with pytest.raises(ValueError, match=message):
            rec.personalize(ref, 500)
    assert LEADS[0] == "I"


def test_an_any_leads_profile_has_a_head_per_input_set_and_uses_the_one_given(reference, tmp_path):
    from dataclasses import replace

    import ecgtf
    from ecgtf.kits.golden import multi_lead_stand_in
    from ecgtf.models.unet1d.inference import window_pipeline
    from ecgtf.models.unet1d.preprocessing import Unet1dPreprocessing
    from ecgtf.personal import HEAD_SETS

    pipeline = window_pipeline(Unet1dPreprocessing(), lambda w: np.stack([multi_lead_stand_in(x) for x in w]))
    rec = ecgtf.Reconstructor(replace(pipeline, input_leads=12), "stand-in (any leads)")    # the golden stand-in
    personal = rec.personalize(reference, 500)
    assert tuple(personal.profile.heads) == HEAD_SETS
    for leads, head in ((("I",), "I"), (("I", "II"), "I+II"), (("V2", "I"), "I+V2"), (("I", "II", "V2", "V5"), "I+II+V2"),
                        (("I", "V5"), "I"), (("II", "III"), "I+II")):
        rows = [LEADS.index(n) for n in leads]
        out = personal.reconstruct(reference[rows] if len(rows) > 1 else reference[rows[0]], 500, quality=False,
                                   leads=leads)
        assert out.info["personal_head"] == head, leads
    back = PersonalReconstructor.load(personal.save(tmp_path / "p.json"), rec)
    np.testing.assert_allclose(back.profile.weights_for("I+V2"), personal.profile.weights_for("I+V2"), atol=1e-9)
    assert not np.allclose(personal.profile.weights_for("I+II"), personal.profile.weights_for("I"))


def test_cli_reference_recording_profile_and_its_checks(rec, reference, tmp_path, capsys):
    from ecgtf.cli import main

    run = rec.run.path
    t = np.arange(reference.shape[1]) / 500
    np.savetxt(tmp_path / "clinic.csv", np.column_stack([t, reference.T]), delimiter=",", comments="",
               header="time_s," + ",".join(LEADS), fmt="%.6f")
    np.savetxt(tmp_path / "watch.csv", reference[0][:, None], delimiter=",", header="I", comments="", fmt="%.6f")
    argv = ["reconstruct", str(tmp_path / "watch.csv"), "--fs", "500", "--model", str(run), "--no-quality-gate"]
    assert main([*argv, "--reference", str(tmp_path / "clinic.csv"), "--save-profile", str(tmp_path / "me.json"),
                 "-o", str(tmp_path / "a")]) == 0
    assert "personalised with clinic.csv (10.0 s reference)" in capsys.readouterr().out
    assert main([*argv, "--reference", str(tmp_path / "me.json"), "-o", str(tmp_path / "b")]) == 0
    a = np.loadtxt(tmp_path / "a.csv", delimiter=",", skiprows=1)
    b = np.loadtxt(tmp_path / "b.csv", delimiter=",", skiprows=1)
    np.testing.assert_allclose(a, b, atol=1e-5)
    assert main([*argv, "--reference", str(tmp_path / "clinic.csv"), "--save-profile", str(tmp_path / "clinic.csv"),
                 "-o", str(tmp_path / "c")]) == 2
    assert "would overwrite the input" in capsys.readouterr().err
