package org.ecgtf.core;

/** Input checks with messages a user can act on. */
public final class Signals {
    private Signals() {
    }

    public static void requireFinite(double[] x, String what) {
        if (x == null || x.length == 0) {
            throw new SignalException(what + " is empty; expected ECG samples");
        }
        int bad = 0;
        for (double v : x) {
            if (!Double.isFinite(v)) bad++;
        }
        if (bad > 0) {
            throw new SignalException(what + " contains " + bad + " NaN or infinite samples; expected finite values in mV");
        }
    }

    public static void requireNotFlat(double[] x, String what) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (hi - lo < 1e-6) {
            throw new SignalException(what + " is a flat line (peak-to-peak " + (hi - lo)
                    + " mV); expected a recorded ECG (is the electrode connected?)");
        }
    }
}
