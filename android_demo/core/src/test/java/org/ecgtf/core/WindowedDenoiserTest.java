package org.ecgtf.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class WindowedDenoiserTest {
    /** The golden vectors' stand-in window model: mean + 0.8 (w − mean). */
    static WindowModel standIn() {
        return w -> {
            double mean = 0;
            for (float v : w) mean += v;
            mean /= w.length;
            float[] out = new float[w.length];
            for (int i = 0; i < w.length; i++) out[i] = (float) (mean + 0.8 * (w[i] - mean));
            return out;
        };
    }

    @Test
    public void matchesPythonDenoiser() throws Exception {
        Map<String, double[]> g = Golden.load("denoiser.txt");
        WindowedDenoiser d = new WindowedDenoiser(standIn());
        double worst = Golden.maxAbsDiff(d.denoise(g.get("lead_i_500"), 500.0), g.get("denoised_500"));
        assertTrue("max |Java − Python| = " + worst, worst <= Golden.TOL);
        double worstShort = Golden.maxAbsDiff(d.denoise(g.get("short_in"), 500.0), g.get("short_out"));
        assertTrue("shorter than a window: max |Java − Python| = " + worstShort, worstShort <= Golden.TOL);
    }

    @Test
    public void reconstructorWithDenoiserMatchesPython() throws Exception {
        Map<String, double[]> g = Golden.load("denoiser.txt");
        Unet1dReconstructor r = new Unet1dReconstructor(Golden.standIn(g.get("gains"), g.get("bias")),
                Golden.rows(g.get("sos500"), 6), new WindowedDenoiser(standIn()));
        double[][] leads = r.reconstruct(g.get("lead_i_500"), 500.0);
        double[] expected = g.get("leads_500");
        int n = leads[0].length;
        assertEquals(expected.length, 12 * n);
        double worst = 0;
        for (int k = 0; k < 12; k++) {
            worst = Math.max(worst, Golden.maxAbsDiff(leads[k], Arrays.copyOfRange(expected, k * n, (k + 1) * n)));
        }
        assertTrue("max |Java − Python| = " + worst, worst <= Golden.TOL);
    }

    @Test
    public void streamWithDenoiserMatchesPython() throws Exception {
        Map<String, double[]> g = Golden.load("denoiser.txt");
        Unet1dStream s = new Unet1dStream(Golden.standIn(g.get("gains"), g.get("bias")), Golden.rows(g.get("sos500"), 6),
                new WindowedDenoiser(standIn()));
        double[] in = g.get("lead_i_500");
        List<Unet1dStream.Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < in.length; i += 777) chunks.add(s.push(Arrays.copyOfRange(in, i, Math.min(in.length, i + 777))));
        chunks.add(s.flush());
        int n = 0;
        for (Unet1dStream.Chunk c : chunks) n += c.valid.length;
        double[] expected = g.get("stream_leads_100");
        double[] valid = g.get("stream_valid");
        assertEquals(expected.length, 12 * n);
        double worst = 0;
        int offset = 0;
        for (Unet1dStream.Chunk c : chunks) {
            for (int i = 0; i < c.valid.length; i++) {
                assertEquals(valid[offset + i] > 0.5, c.valid[i]);
                if (!c.valid[i]) continue;
                for (int k = 0; k < 12; k++) worst = Math.max(worst, Math.abs(c.leads[k][i] - expected[k * n + offset + i]));
            }
            offset += c.valid.length;
        }
        assertTrue("max |Java − Python| = " + worst, worst <= Golden.TOL);
    }

    @Test(expected = SignalException.class)
    public void refusesNonFiniteInput() {
        new WindowedDenoiser(standIn()).denoise(new double[] {0.1, Double.NaN, 0.2}, 500.0);
    }
}
