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
