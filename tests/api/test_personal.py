"""Issue 30, calibrate once to a person: the per-person linear correction, its profile file, its checks."""
from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import make_tiny_unet1d_run

from ecgtf.data.synthetic import SyntheticConfig, generate_record
from ecgtf.leads import LEADS, limb_lead_law_error
from ecgtf.personal import PersonalReconstructor, apply_profile, fit_profile


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
    pipeline = SimpleNamespace(min_seconds=5.12)

    def __init__(self, leads):
        self.leads = leads

    def reconstruct(self, lead_i, fs, quality=True, **kw):
        return SimpleNamespace(leads=self.leads[:, :np.asarray(lead_i).size], info={})


def test_the_fitted_correction_is_the_linear_map_that_made_the_truth(reference):
    rng = np.random.default_rng(0)
    model = reference + 0.3 * rng.standard_normal(reference.shape) * reference.std(1, keepdims=True)
    truth = model.copy()
    truth[1] = 1.7 * model[1] + 0.4 * model[0]
    truth[7] = 0.6 * model[7] - 0.2 * model[0]
    profile = fit_profile(KnownModel(model), truth, 500)
    assert profile.coefficients["II"] == pytest.approx((1.7, 0.4), abs=0.02)
    assert profile.coefficients["V2"] == pytest.approx((0.6, -0.2), abs=0.02)
    assert profile.coefficients["V5"] == pytest.approx((1.0, 0.0), abs=0.05)   # nothing to correct
    corrected = apply_profile(model, profile)
    assert limb_lead_law_error(corrected)["max"] < 1e-9               # III, aVR, aVL, aVF follow from I and II


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
    stream_base, stream_personal = rec.stream(500), personal.stream(500)
    a, b = stream_base.push(reference[0]), stream_personal.push(reference[0])
    np.testing.assert_allclose(b.leads, apply_profile(a.leads, personal.profile), atol=1e-5)
    doc = json.loads(path.read_text())
    doc["coefficients"]["V1"] = [5.0, 0.0]
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
