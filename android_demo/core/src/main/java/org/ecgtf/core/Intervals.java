package org.ecgtf.core;

/**
 * Calibrated per-lead bands around a reconstruction, computed from the model's output (as ecgtf.intervals):
 * {@code lead ± q(coverage) · spread}, where the spread of each lead is {@code exp(w0 + Σ wj log(fj + 0.01))} over nine
 * features of the reconstructed leads (the lead's local deviation from its 2 s baseline, local slope, 2 s and 10 s
 * level, deviation averaged over 0.3 s; Lead I's deviation, slope, 2 s and 10 s level) and q is the conformal quantile
 * of the lead stored for 99 coverages (0.01 … 0.99). Given and exactly derived leads have zero width. The numbers
 * come from one set of a preset's {@code intervals.json} ({@code sets[key].weights}, 12 × 10, and
 * {@code sets[key].quantiles}, 12 × 99).
 */
public final class Intervals {
    public static final double SHORT_S = 0.1;
    public static final double WIDE_S = 0.3;
    public static final double LONG_S = 2.0;
    public static final double LONGER_S = 10.0;
    public static final double MIN_SPREAD_MV = 1e-3;
    public static final double FEATURE_FLOOR_MV = 0.01;
    /** Weights per lead: an intercept and nine feature weights. */
    public static final int N_WEIGHTS = 10;
    public static final int N_COVERAGES = 99;

    private final double[][] weights;
    private final double[][] quantiles;

    private Intervals(double[][] weights, double[][] quantiles) {
        this.weights = weights;
        this.quantiles = quantiles;
    }

    /** From one calibrated set: {@code weights} 12 × 10 and {@code quantiles} 12 × 99 (finite). */
    public static Intervals of(double[][] weights, double[][] quantiles) {
        if (weights.length != 12 || quantiles.length != 12) {
            throw new SignalException("interval calibration: expected 12 rows of weights and quantiles, got "
                    + weights.length + " and " + quantiles.length);
        }
        double[][] w = new double[12][], q = new double[12][];
        for (int k = 0; k < 12; k++) {
            if (weights[k].length != N_WEIGHTS || quantiles[k].length != N_COVERAGES) {
                throw new SignalException("interval calibration: lead " + Leads.NAMES[k] + " has " + weights[k].length
                        + " weights and " + quantiles[k].length + " quantiles; expected " + N_WEIGHTS + " and "
                        + N_COVERAGES);
            }
            Signals.requireFinite(weights[k], "interval weights of lead " + Leads.NAMES[k]);
            Signals.requireFinite(quantiles[k], "interval quantiles of lead " + Leads.NAMES[k]);
            w[k] = weights[k].clone();
            q[k] = quantiles[k].clone();
        }
        return new Intervals(w, q);
    }

    /** An odd number of samples spanning about {@code seconds} at {@code fs} (as ecgtf.intervals.window_samples). */
    public static int windowSamples(double seconds, double fs) {
        return 2 * (int) Math.rint(seconds * fs / 2) + 1;
    }

    /** Centred moving mean over {@code width} samples, shrinking at the ends (ecgtf.intervals.moving_average). */
    public static double[] movingAverage(double[] x, int width) {
        int half = Math.max(width / 2, 0), n = x.length;
        double[] c = new double[n + 1];
        for (int i = 0; i < n; i++) c[i + 1] = c[i] + x[i];
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            int lo = Math.max(i - half, 0), hi = Math.min(i + half + 1, n);
            out[i] = (c[hi] - c[lo]) / (hi - lo);
        }
        return out;
    }

    /** |dy/dt| in mV per 10 ms, central differences inside and one-sided at the ends (numpy.gradient). */
    static double[] absSlope(double[] y, double fs) {
        int n = y.length;
        double[] g = new double[n];
        if (n < 2) return g;
        g[0] = y[1] - y[0];
        g[n - 1] = y[n - 1] - y[n - 2];
        for (int i = 1; i < n - 1; i++) g[i] = (y[i + 1] - y[i - 1]) / 2.0;
        for (int i = 0; i < n; i++) g[i] = Math.abs(g[i]) * fs / 100.0;
        return g;
    }

    /** Per lead of a 12 × n reconstruction: {deviation, slope, level, level over 10 s} (ecgtf.intervals). */
    private static double[][] ownFeatures(double[] y, double fs) {
        int n = y.length;
        double[] base = movingAverage(y, windowSamples(LONG_S, fs));
        double[] absDev = new double[n], sq = new double[n];
        for (int i = 0; i < n; i++) {
            double c = y[i] - base[i];
            absDev[i] = Math.abs(c);
            sq[i] = c * c;
        }
        double[] level = movingAverage(sq, windowSamples(LONG_S, fs)), levelLong = movingAverage(sq, windowSamples(LONGER_S, fs));
        for (int i = 0; i < n; i++) {
            level[i] = Math.sqrt(level[i]);
            levelLong[i] = Math.sqrt(levelLong[i]);
        }
        return new double[][] {movingAverage(absDev, windowSamples(SHORT_S, fs)),
                movingAverage(absSlope(y, fs), windowSamples(SHORT_S, fs)), level, levelLong};
    }

    /** The spread (mV) of every lead of a 12 × n reconstruction at {@code fs}. */
    public double[][] spread(double[][] leads, double fs) {
        double[][] leadI = ownFeatures(leads[0], fs);
        double[][] out = new double[12][];
        for (int k = 0; k < 12; k++) {
            double[][] own = k == 0 ? leadI : ownFeatures(leads[k], fs);
            double[][] f = {own[0], own[1], own[2], own[3], movingAverage(own[0], windowSamples(WIDE_S, fs)),
                    leadI[0], leadI[1], leadI[2], leadI[3]};
            double[] w = weights[k];
            int n = leads[k].length;
            double[] s = new double[n];
            for (int i = 0; i < n; i++) {
                double v = w[0];
                for (int j = 0; j < f.length; j++) v += w[j + 1] * Math.log(f[j][i] + FEATURE_FLOOR_MV);
                s[i] = Math.max(Math.exp(v), MIN_SPREAD_MV);
            }
            out[k] = s;
        }
        return out;
    }

    /** The conformal quantile of lead {@code k} at {@code coverage} (0.01 … 0.99, linear between grid points). */
    public double quantile(int k, double coverage) {
        if (!(coverage >= 0.01 && coverage <= 0.99)) {
            throw new SignalException("coverage " + coverage + ": expected a probability between 0.01 and 0.99");
        }
        double pos = coverage * 100.0 - 1.0;
        int i = Math.min((int) Math.floor(pos), N_COVERAGES - 2);
        double f = pos - i;
        return quantiles[k][i] * (1 - f) + quantiles[k][i + 1] * f;
    }

    /**
     * {lower, upper}, each 12 × n mV: {@code leads ± q · spread}; zero width where {@code fixed[k]} (given or exactly
     * derived leads).
     */
    public double[][][] bounds(double[][] leads, double fs, boolean[] fixed, double coverage) {
        double[][] s = spread(leads, fs);
        double[][] lower = new double[12][], upper = new double[12][];
        for (int k = 0; k < 12; k++) {
            int n = leads[k].length;
            double q = fixed[k] ? 0.0 : quantile(k, coverage);
            lower[k] = new double[n];
            upper[k] = new double[n];
            for (int i = 0; i < n; i++) {
                lower[k][i] = leads[k][i] - q * s[k][i];
                upper[k][i] = leads[k][i] + q * s[k][i];
            }
        }
        return new double[][][] {lower, upper};
    }
}
