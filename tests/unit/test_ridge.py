"""The ridge floor with several input leads: more information in, a better floor out; given leads exact."""
from __future__ import annotations

import numpy as np

from ecgtf.kits.ridge import InputLeadsRidgeBaseline, RidgeBaseline


def test_a_second_input_lead_lifts_the_ridge_floor_and_comes_back_exact():
    rng = np.random.default_rng(0)
    n, t = 40, 1024
    i_, ii = rng.standard_normal((2, n, t))
    x = np.zeros((n, 12, t))
    x[:, 0], x[:, 1] = i_, ii
    for k in range(2, 12):                       # every other lead a lagged mix of I and II (+ a little noise)
        a, b = rng.normal(size=2)
        x[:, k] = a * np.roll(i_, k, axis=1) + b * np.roll(ii, k - 6, axis=1) + 0.05 * rng.standard_normal((n, t))
    train, test = x[:30], x[30:]
    one, two = RidgeBaseline(train), InputLeadsRidgeBaseline(train, ("I", "II"))
    err_one = np.mean([(one.predict_record(r) - r)[2:] ** 2 for r in test])
    err_two = np.mean([(two.predict_record(r) - r)[2:] ** 2 for r in test])
    assert err_two < 0.1 * err_one
    out = two.predict_record(test[0])
    np.testing.assert_array_equal(out[[0, 1]], test[0][[0, 1]])
    assert two.name == "ridge I+II (mV, 33 taps)"
