package org.ecgtf.core;

import java.util.Arrays;

/**
 * The band of a live stream's output, chunk by chunk, identical to ecgtf.intervals.StreamBands (tested on golden
 * vectors): each chunk's band is {@link Intervals#bounds} over the chunk plus the last {@link #featureReach} samples
 * before it, so every moving average sees its full past and the future as far as it is known. Columns with a NaN
 * (no valid window) get a NaN band; the stretches between them are treated as separate recordings (a lone finite
 * column gets no band). Memory: {@link #featureReach} samples of output.
 */
public final class StreamBands {
    private final Intervals intervals;
    private final double fs;
    private final boolean[] fixed;
    private final double coverage;
    private final int reach;
    private double[][] history = new double[12][0];

    /** {@code fixed}: zero-width rows (the given leads); {@code coverage} in 0.01 … 0.99. */
    public StreamBands(Intervals intervals, double fs, boolean[] fixed, double coverage) {
        intervals.quantile(0, coverage);            // refuses a coverage outside 0.01 … 0.99
        this.intervals = intervals;
        this.fs = fs;
        this.fixed = fixed.clone();
        this.coverage = coverage;
        this.reach = featureReach(fs);
    }

    /** Samples on either side of a sample that its spread features read (a 2 s baseline under a 10 s level). */
    public static int featureReach(double fs) {
        return Intervals.windowSamples(Intervals.LONGER_S, fs) / 2 + Intervals.windowSamples(Intervals.LONG_S, fs) / 2;
    }

    /** Output samples held between chunks. */
    public int heldSamples() {
        return history[0].length;
    }

    /** {lower, upper}, each 12 × k mV, of the next chunk's 12 × k leads. */
    public double[][][] next(double[][] leads) {
        int h = history[0].length, k = leads[0].length, n = h + k;
        double[][] y = new double[12][n], lower = new double[12][n], upper = new double[12][n];
        boolean[] finite = new boolean[n];
        Arrays.fill(finite, true);
        for (int r = 0; r < 12; r++) {
            System.arraycopy(history[r], 0, y[r], 0, h);
            System.arraycopy(leads[r], 0, y[r], h, k);
            Arrays.fill(lower[r], Double.NaN);
            Arrays.fill(upper[r], Double.NaN);
            for (int i = 0; i < n; i++) finite[i] &= Double.isFinite(y[r][i]);
        }
        for (int a = 0; a < n; ) {
            if (!finite[a]) {
                a++;
                continue;
            }
            int b = a;
            while (b < n && finite[b]) b++;
            if (b > h && b - a > 1) {
                double[][][] band = intervals.bounds(columns(y, a, b), fs, fixed, coverage);
                for (int r = 0; r < 12; r++) {
                    System.arraycopy(band[0][r], 0, lower[r], a, b - a);
                    System.arraycopy(band[1][r], 0, upper[r], a, b - a);
                }
            }
            a = b;
        }
        history = columns(y, Math.max(0, n - reach), n);
        return new double[][][] {columns(lower, h, n), columns(upper, h, n)};
    }

    private static double[][] columns(double[][] x, int from, int to) {
        double[][] out = new double[x.length][];
        for (int r = 0; r < x.length; r++) out[r] = Arrays.copyOfRange(x[r], from, to);
        return out;
    }
}
