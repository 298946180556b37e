package org.ecgtf.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Map;
import org.junit.Test;

public class FiltersTest {
    @Test
    public void sosfiltfiltMatchesScipy() throws Exception {
        Map<String, double[]> g = Golden.load("filters.txt");
        double[] y = SosFilter.sosfiltfilt(Golden.rows(g.get("sos"), 6), g.get("sosfiltfilt_in"));
        assertTrue(Golden.maxAbsDiff(y, g.get("sosfiltfilt_out")) <= Golden.TOL);
    }

    @Test
    public void firwinMatchesScipy() throws Exception {
        Map<String, double[]> g = Golden.load("filters.txt");
        assertTrue(Golden.maxAbsDiff(Resampler.resamplePolyFilter(1, 8), g.get("firwin_1_8")) <= 1e-9);
        assertTrue(Golden.maxAbsDiff(Resampler.resamplePolyFilter(25, 18), g.get("firwin_25_18")) <= 1e-9);
    }

    @Test
    public void resamplePolyMatchesScipy() throws Exception {
        Map<String, double[]> g = Golden.load("filters.txt");
        double[] x = g.get("resample_in");
        assertTrue(Golden.maxAbsDiff(Resampler.resamplePoly(x, 1, 8), g.get("resample_1_8")) <= Golden.TOL);
        assertTrue(Golden.maxAbsDiff(Resampler.resamplePoly(x, 2, 1), g.get("resample_2_1")) <= Golden.TOL);
        assertTrue(Golden.maxAbsDiff(Resampler.resamplePoly(x, 25, 18), g.get("resample_25_18")) <= Golden.TOL);
    }

    @Test
    public void rateRatiosLikePythonFractions() {
        long[] pq = Resampler.limitDenominator(500.0 / 360.0, 1000);
        assertEquals(25, pq[0]);
        assertEquals(18, pq[1]);
        pq = Resampler.limitDenominator(Math.PI, 1000);
        assertEquals(355, pq[0]);
        assertEquals(113, pq[1]);
    }

    @Test(expected = SignalException.class)
    public void tooShortForTheFilterIsAClearError() {
        SosFilter.sosfiltfilt(new double[][] {{1, 0, 0, 1, 0, 0}, {1, 0, 0, 1, 0, 0}}, new double[5]);
    }
}
