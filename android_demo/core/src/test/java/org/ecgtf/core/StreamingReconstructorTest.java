package org.ecgtf.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class StreamingReconstructorTest {
    private static double[][] run(String norm, int chunk) throws Exception {
        Map<String, double[]> g = Golden.load("streaming.txt");
        Map<String, double[]> f = Golden.load("filters.txt");
        EkganPreprocessor pre = new EkganPreprocessor(Golden.rows(f.get("sos"), 6),
                EkganPreprocessor.parseNormalization(norm), 2.5);
        StreamingReconstructor s = new StreamingReconstructor(Golden.standIn(g.get("gains"), g.get("bias")), pre, 2048);
        double[] in = g.get("stream_in");
        List<double[][]> parts = new ArrayList<>();
        for (int i = 0; i < in.length; i += chunk) parts.add(s.push(Arrays.copyOfRange(in, i, Math.min(in.length, i + chunk))));
        parts.add(s.flush());
        int n = 0;
        for (double[][] p : parts) n += p[0].length;
        double[][] out = new double[12][n];
        int at = 0;
        for (double[][] p : parts) {
            for (int k = 0; k < 12; k++) System.arraycopy(p[k], 0, out[k], at, p[k].length);
            at += p[0].length;
        }
        return out;
    }

    private static void check(String norm) throws Exception {
        double[] expected = Golden.load("streaming.txt").get("stream_out_" + norm);
        double[][] out = run(norm, 777);
        int n = out[0].length;
        assertEquals(expected.length, 12 * n);
        double[] flat = new double[12 * n];
        for (int k = 0; k < 12; k++) System.arraycopy(out[k], 0, flat, k * n, n);
        assertTrue(norm, Golden.maxAbsDiff(flat, expected) <= Golden.TOL);
    }

    @Test
    public void fixedStreamMatchesPython() throws Exception {
        check("fixed");
    }

    @Test
    public void perLeadStreamMatchesPython() throws Exception {
        check("per_lead");
    }

    @Test
    public void outputDoesNotDependOnChunking() throws Exception {
        double[][] a = run("fixed", 777);
        double[][] b = run("fixed", 4096 * 3);
        for (int k = 0; k < 12; k++) assertTrue(Golden.maxAbsDiff(a[k], b[k]) <= 1e-12);
    }

    @Test(expected = SignalException.class)
    public void badHopIsRejected() throws Exception {
        Map<String, double[]> f = Golden.load("filters.txt");
        new StreamingReconstructor(x -> new float[12][512],
                new EkganPreprocessor(Golden.rows(f.get("sos"), 6), EkganPreprocessor.Normalization.FIXED, 2.5), 1001);
    }
}
