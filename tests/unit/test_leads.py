import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ecgtf.leads import (
    LEADS,
    complete_from_independent,
    derive_limb_leads,
    lead_index,
    limb_lead_law_error,
    normalize_lead_name,
    reorder_leads,
)


@pytest.mark.parametrize("raw,canon", [("avr", "aVR"), ("AVR", "aVR"), ("aVR", "aVR"), ("v1", "V1"),
                                       ("i", "I"), ("III", "III"), (" aVf ", "aVF"), ("MLII", "II")])
def test_normalize_names(raw, canon):
    assert normalize_lead_name(raw) == canon


def test_unknown_lead_name_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown lead name 'V7'"):
        normalize_lead_name("V7")


def test_canonical_order():
    assert LEADS == ("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6")
    assert lead_index("avl") == 4


def test_derived_leads_hand_values():
    d = derive_limb_leads(np.array([1.0]), np.array([3.0]))
    assert d["III"][0] == 2.0 and d["aVR"][0] == -2.0 and d["aVL"][0] == -0.5 and d["aVF"][0] == 2.5


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, (8, 50), elements=st.floats(-5, 5)))
def test_complete_from_independent_satisfies_laws(indep):
    full = complete_from_independent(indep)
    assert full.shape == (12, 50)
    assert limb_lead_law_error(full)["max"] < 1e-12
    np.testing.assert_array_equal(full[6:], indep[2:])


def test_law_error_measures_a_violation():
    x = complete_from_independent(np.random.default_rng(0).normal(size=(8, 100)))
    x[2] += 0.5  # break Einthoven by 0.5 mV in III
    err = limb_lead_law_error(x)
    assert err["rms_III"] == pytest.approx(0.5)
    assert err["max"] == pytest.approx(0.5)
    assert err["rms_aVR"] < 1e-12


def test_reorder_leads_and_missing():
    names = list(reversed(LEADS))
    x = np.arange(12)[::-1, None] * np.ones((12, 3))
    out = reorder_leads(x, names)
    np.testing.assert_array_equal(out[:, 0], np.arange(12))
    with pytest.raises(ValueError, match="missing leads"):
        reorder_leads(x[:11], names[:11])
