package org.ecgtf.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.Map;
import org.junit.Test;

public class IntervalsTest {
    private static double[][][] bands(Map<String, double[]> g, double coverage) {
        double[] flat = g.get("leads");
        double[][] leads = Golden.rows(flat, flat.length / 12);
        boolean[] fixed = new boolean[12];
        for (double k : g.get("fixed")) fixed[(int) k] = true;
        Intervals iv = Intervals.of(Golden.rows(g.get("weights"), Intervals.N_WEIGHTS),
                Golden.rows(g.get("quantiles"), Intervals.N_COVERAGES));
        return iv.bounds(leads, g.get("fs")[0], fixed, coverage);
    }

    private static double worst(double[][] rows, double[] expected) {
        int n = rows[0].length;
        double w = 0;
        for (int k = 0; k < 12; k++) for (int i = 0; i < n; i++) w = Math.max(w, Math.abs(rows[k][i] - expected[k * n + i]));
        return w;
    }

    @Test
    public void boundsMatchPython() throws Exception {
        Map<String, double[]> g = Golden.load("intervals.txt");
        for (double c : new double[] {0.8, 0.875}) {
            double[][][] b = bands(g, c);
            String tag = c == 0.8 ? "0.8" : "0.875";
            double lo = worst(b[0], g.get("lower_" + tag)), hi = worst(b[1], g.get("upper_" + tag));
            assertTrue("coverage " + c + ": max |Java − Python| lower " + lo + ", upper " + hi,
                    lo <= Golden.TOL && hi <= Golden.TOL);
        }
    }

    @Test
    public void streamBandsMatchPython() throws Exception {
        Map<String, double[]> g = Golden.load("intervals.txt");
        double[] flat = g.get("leads");
        int n = flat.length / 12;
        double[][] leads = Golden.rows(flat, n);
        boolean[] fixed = new boolean[12];
        for (double k : g.get("fixed")) fixed[(int) k] = true;
        Intervals iv = Intervals.of(Golden.rows(g.get("weights"), Intervals.N_WEIGHTS),
                Golden.rows(g.get("quantiles"), Intervals.N_COVERAGES));
        double fs = g.get("stream_fs")[0];
        StreamBands bands = new StreamBands(iv, fs, fixed, 0.8);
        double[][] lower = new double[12][n], upper = new double[12][n];
        for (int start = 0; start < n; start += 777) {
            int end = Math.min(n, start + 777);
            double[][] chunk = new double[12][];
            for (int r = 0; r < 12; r++) chunk[r] = java.util.Arrays.copyOfRange(leads[r], start, end);
            double[][][] b = bands.next(chunk);
            for (int r = 0; r < 12; r++) {
                System.arraycopy(b[0][r], 0, lower[r], start, end - start);
                System.arraycopy(b[1][r], 0, upper[r], start, end - start);
            }
        }
        double lo = worst(lower, g.get("stream_lower_0.8")), hi = worst(upper, g.get("stream_upper_0.8"));
        assertTrue("stream: max |Java − Python| lower " + lo + ", upper " + hi, lo <= Golden.TOL && hi <= Golden.TOL);
        assertEquals(StreamBands.featureReach(fs), bands.heldSamples());
        assertTrue(bands.heldSamples() < n);                                  // the history was trimmed
    }

    @Test
    public void streamBandsAreNaNWhereTheOutputIs() throws Exception {
        Map<String, double[]> g = Golden.load("intervals.txt");
        double[][] leads = Golden.rows(g.get("leads"), g.get("leads").length / 12);
        boolean[] fixed = new boolean[12];
        fixed[0] = true;
        Intervals iv = Intervals.of(Golden.rows(g.get("weights"), Intervals.N_WEIGHTS),
                Golden.rows(g.get("quantiles"), Intervals.N_COVERAGES));
        double[][] chunk = new double[12][];
        for (int r = 0; r < 12; r++) {
            chunk[r] = java.util.Arrays.copyOf(leads[r], 600);
            for (int i = 200; i < 260; i++) chunk[r][i] = Double.NaN;
        }
        double[][][] b = new StreamBands(iv, 500.0, fixed, 0.8).next(chunk);
        for (int r = 0; r < 12; r++) {
            assertTrue(Double.isNaN(b[0][r][230]) && Double.isNaN(b[1][r][200]));
            assertTrue(Double.isFinite(b[0][r][100]) && Double.isFinite(b[1][r][300]));
        }
        try {
            new StreamBands(iv, 500.0, fixed, 1.5);
            fail("coverage 1.5 accepted");
        } catch (SignalException expected) {
            assertTrue(expected.getMessage().contains("coverage"));
        }
    }

    @Test
    public void givenLeadsHaveZeroWidthAndOthersAreOrdered() throws Exception {
        Map<String, double[]> g = Golden.load("intervals.txt");
        double[][][] b = bands(g, 0.8);
        assertEquals(0.0, Golden.maxAbsDiff(b[0][7], b[1][7]), 0.0);
        for (int i = 0; i < b[0][1].length; i++) assertTrue(b[0][1][i] < b[1][1][i]);
        double[][][] wide = bands(g, 0.95);
        assertTrue(wide[1][3][100] - wide[0][3][100] > b[1][3][100] - b[0][3][100]);
    }

    @Test
    public void knownLeadsAreTheZeroWidthRows() {
        boolean[] twoLimb = Leads.knownExactly(new String[] {"II", "III", "V5"});
        for (int k = 0; k < 12; k++) assertEquals(Leads.NAMES[k], k < 6 || k == 10, twoLimb[k]);
        boolean[] leadI = Leads.knownExactly(new String[] {"I", "V2"});
        for (int k = 0; k < 12; k++) assertEquals(Leads.NAMES[k], k == 0 || k == 7, leadI[k]);
    }

    @Test
    public void refusesAMalformedCalibrationOrCoverage() throws Exception {
        Map<String, double[]> g = Golden.load("intervals.txt");
        try {
            Intervals.of(new double[12][5], new double[12][99]);
            fail("4 weights per lead accepted");
        } catch (SignalException expected) {
            assertTrue(expected.getMessage().contains("expected 10"));
        }
        try {
            bands(g, 1.0);
            fail("coverage 1.0 accepted");
        } catch (SignalException expected) {
            assertTrue(expected.getMessage().contains("between 0.01 and 0.99"));
        }
    }
}
