package org.ecgtf.core;

import java.util.Locale;

/**
 * The signal-quality gate of ecgtf.quality on the phone: is a Lead I window (mV) worth reconstructing?
 * Same rules and default limits as the Python gate (tuned on PhysioNet/CinC Challenge 2011 set-a) for
 * what refuses a window: non-finite samples, a flat line (lead off), saturation (runs of samples at the
 * window's extremes), an amplitude implausible for mV (µV or ADC counts); and one noise flag (low
 * excess kurtosis: no peaky QRS complexes). Features are computed on the model's band-passed input
 * (the caller passes it), so values differ slightly from Python's, which band-passes at 0.5–40 Hz order 2.
 */
public final class QualityGate {
    public static final double MIN_STD_MV = 0.005;
    public static final double MAX_PTP_MV = 15.0;
    public static final double MAX_CLIPPED_FRACTION = 0.005;
    public static final double MIN_KURTOSIS = 3.0;

    /** Outcome: {@code ok}, whether a failure {@code refuses} the window (else it is only flagged), and why. */
    public static final class Result {
        public final boolean ok;
        public final boolean refuses;
        public final String reason;

        Result(boolean ok, boolean refuses, String reason) {
            this.ok = ok;
            this.refuses = refuses;
            this.reason = reason;
        }
    }

    private QualityGate() {
    }

    /**
     * @param raw        the window as recorded (mV), any rate
     * @param bandpassed the same window band-passed as the model's input (mV)
     */
    public static Result assess(double[] raw, double[] bandpassed) {
        if (raw == null || raw.length == 0 || bandpassed == null || bandpassed.length == 0) {
            return new Result(false, true, "empty window");
        }
        int nonFinite = 0;
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double v : raw) {
            if (!Double.isFinite(v)) {
                nonFinite++;
            } else {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (nonFinite > 0) return new Result(false, true, "non-finite: " + nonFinite + " NaN/inf samples");
        double range = hi - lo;
        int clipped = 0;
        if (range > 0) {
            double tol = 0.005 * range;
            int run = 0;
            for (int i = 0; i <= raw.length; i++) {   // on a plateau at an extreme (an ADC rail), in runs ≥ 3
                boolean edge = i > 0 && i < raw.length && (raw[i] >= hi - tol || raw[i] <= lo + tol)
                        && Math.abs(raw[i] - raw[i - 1]) <= 1e-4 * range;
                if (edge) {
                    run++;
                } else {
                    if (run >= 3) clipped += run;
                    run = 0;
                }
            }
        }
        double clippedFraction = range > 0 ? (double) clipped / raw.length : 1.0;
        double mean = 0;
        for (double v : bandpassed) mean += v;
        mean /= bandpassed.length;
        double m2 = 0, m4 = 0, bLo = Double.POSITIVE_INFINITY, bHi = Double.NEGATIVE_INFINITY;
        for (double v : bandpassed) {
            double d = v - mean;
            m2 += d * d;
            m4 += d * d * d * d;
            bLo = Math.min(bLo, v);
            bHi = Math.max(bHi, v);
        }
        m2 /= bandpassed.length;
        m4 /= bandpassed.length;
        double std = Math.sqrt(m2);
        double kurtosis = m2 > 0 ? m4 / (m2 * m2) - 3.0 : 0.0;
        if (std < MIN_STD_MV) {
            return new Result(false, true, String.format(Locale.ROOT, "flat: %.3g mV vs limit %.3g (lead off?)", std, MIN_STD_MV));
        }
        if (bHi - bLo > MAX_PTP_MV) {
            return new Result(false, true, String.format(Locale.ROOT,
                    "implausible amplitude: %.3g mV peak-to-peak (µV or ADC counts passed as mV?)", bHi - bLo));
        }
        if (clippedFraction > MAX_CLIPPED_FRACTION) {
            return new Result(false, true, String.format(Locale.ROOT, "saturated: %.1f %% of samples clipped",
                    100 * clippedFraction));
        }
        if (kurtosis < MIN_KURTOSIS) {
            return new Result(false, false, String.format(Locale.ROOT,
                    "noisy (no peaky QRS: low kurtosis): %.2f vs limit %.2f", kurtosis, MIN_KURTOSIS));
        }
        return new Result(true, false, "");
    }
}
