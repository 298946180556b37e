package org.ecgtf.core;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Random;
import org.junit.Test;

public class QualityGateTest {
    private static double[] ecg(int n, double fs) {
        double[] x = new double[n];
        Random rng = new Random(42);   // a recorded ECG: some noise and baseline wander, never a perfectly flat baseline
        for (int i = 0; i < n; i++) {
            double phase = (i / fs * 1.2) % 1.0;
            x[i] = 1.2 * Math.exp(-Math.pow((phase - 0.3) / 0.01, 2)) + 0.25 * Math.exp(-Math.pow((phase - 0.6) / 0.05, 2))
                    + 0.1 * Math.sin(2 * Math.PI * 0.3 * i / fs) + 0.01 * rng.nextGaussian();
        }
        return x;
    }

    private static double[] centred(double[] x) {
        double mean = 0;
        for (double v : x) mean += v;
        mean /= x.length;
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] - mean;
        return y;
    }

    @Test
    public void cleanEcgPasses() {
        double[] x = ecg(2560, 500);
        QualityGate.Result r = QualityGate.assess(x, centred(x));
        assertTrue(r.reason, r.ok);
    }

    @Test
    public void leadOffSaturationUnitsAndNanAreRefusedWithAReason() {
        double[] flat = new double[2560];
        Random rng = new Random(0);
        for (int i = 0; i < flat.length; i++) flat[i] = 0.001 * rng.nextGaussian();
        QualityGate.Result r = QualityGate.assess(flat, centred(flat));
        assertTrue(!r.ok && r.refuses && r.reason.startsWith("flat"));

        double[] x = ecg(2560, 500);
        double[] sat = new double[x.length];
        for (int i = 0; i < x.length; i++) sat[i] = Math.max(-0.2, Math.min(0.2, x[i] * 5 - 0.5));
        r = QualityGate.assess(sat, centred(sat));
        assertTrue(r.reason, !r.ok && r.refuses && r.reason.startsWith("saturated"));

        double[] uv = new double[x.length];
        for (int i = 0; i < x.length; i++) uv[i] = x[i] * 1000;
        r = QualityGate.assess(uv, centred(uv));
        assertTrue(r.reason, !r.ok && r.refuses && r.reason.startsWith("implausible"));

        double[] nan = x.clone();
        nan[100] = Double.NaN;
        r = QualityGate.assess(nan, centred(x));
        assertTrue(!r.ok && r.refuses && r.reason.startsWith("non-finite"));
    }

    @Test
    public void noiseIsFlaggedNotRefused() {
        double[] noise = new double[2560];
        Random rng = new Random(1);
        for (int i = 0; i < noise.length; i++) noise[i] = 0.3 * rng.nextGaussian();
        QualityGate.Result r = QualityGate.assess(noise, noise);
        assertFalse(r.ok);
        assertFalse(r.refuses);
        assertTrue(r.reason.startsWith("noisy"));
    }
}
