package org.ecgtf.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Map;
import org.junit.Test;

public class Unet1dReconstructorTest {
    @Test
    public void matchesPythonReconstructorAt500Hz() throws Exception {
        Map<String, double[]> g = Golden.load("unet1d.txt");
        Unet1dReconstructor r = new Unet1dReconstructor(Golden.standIn(g.get("gains"), g.get("bias")),
                Golden.rows(g.get("sos500"), 6));
        double[] in = g.get("lead_i_500");
        double[] prepared = r.prepare(in, 500.0);
        double[] expectedPrepared = g.get("prepared_100");
        assertEquals(expectedPrepared.length, prepared.length);
        for (int i = 0; i < prepared.length; i++) assertEquals(expectedPrepared[i], prepared[i], 1e-4);
        double[][] out = r.reconstruct(in, 500.0);
        double[] expected = g.get("leads_500");
        int n = out[0].length;
        assertEquals(in.length, n);
        assertEquals(expected.length, 12 * n);
        double worst = 0;
        for (int k = 0; k < 12; k++) {
            for (int i = 0; i < n; i++) worst = Math.max(worst, Math.abs(out[k][i] - expected[k * n + i]));
        }
        assertTrue("max |Java − Python| = " + worst, worst <= 1e-4);
    }

    @Test(expected = SignalException.class)
    public void refusesTooShortRecordings() {
        new Unet1dReconstructor(Golden.standIn(new double[12], new double[12]), new double[][] {{1, 0, 0, 1, 0, 0}})
                .reconstruct(new double[1000], 500.0);
    }
}
