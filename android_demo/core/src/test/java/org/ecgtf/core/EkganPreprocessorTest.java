package org.ecgtf.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.StringReader;
import java.util.Arrays;
import java.util.Map;
import org.junit.Test;

public class EkganPreprocessorTest {
    private static EkganPreprocessor pre(String norm) throws Exception {
        Map<String, double[]> f = Golden.load("filters.txt");
        return new EkganPreprocessor(Golden.rows(f.get("sos"), 6), EkganPreprocessor.parseNormalization(norm), 2.5);
    }

    private static void check(String norm) throws Exception {
        Map<String, double[]> g = Golden.load("ekgan_preprocessing.txt");
        EkganPreprocessor.Result r = pre(norm).preprocessRecording(g.get("lead_i_500"), 500.0);
        assertTrue(norm, Golden.maxAbsDiff(Golden.toDouble(r.x), g.get(norm + "_x")) <= Golden.TOL);
        assertEquals(g.get(norm + "_scale")[0], r.scale, 1e-6);
        assertEquals(g.get(norm + "_offset")[0], r.offset, 1e-6);
        double[][] mv = EkganPreprocessor.toMillivolts(new float[][] {r.x}, new double[] {r.scale}, new double[] {r.offset});
        assertTrue(Golden.maxAbsDiff(mv[0], g.get(norm + "_mv")) <= Golden.TOL);
    }

    @Test
    public void perLeadMatchesPython() throws Exception {
        check("per_lead");
    }

    @Test
    public void fixedMatchesPython() throws Exception {
        check("fixed");
    }

    @Test
    public void resampledRecordingMatchesPython() throws Exception {
        Map<String, double[]> g = Golden.load("ekgan_preprocessing.txt");
        EkganPreprocessor.Result r = pre("per_lead").preprocessRecording(g.get("lead_i_250"), 250.0);
        assertTrue(Golden.maxAbsDiff(Golden.toDouble(r.x), g.get("per_lead_250_x")) <= Golden.TOL);
        assertEquals(g.get("per_lead_250_scale")[0], r.scale, 1e-5);
    }

    private static void expectMessage(Runnable r, String part) {
        try {
            r.run();
            fail("expected a SignalException mentioning '" + part + "'");
        } catch (SignalException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(part));
        }
    }

    @Test
    public void badInputGivesReadableMessages() throws Exception {
        EkganPreprocessor p = pre("per_lead");
        expectMessage(() -> p.preprocessRecording(new double[3000], 500.0), "need at least 9.192 s");
        double[] nan = new double[5000];
        nan[7] = Double.NaN;
        expectMessage(() -> p.preprocessRecording(nan, 500.0), "NaN");
        expectMessage(() -> p.preprocessRecording(new double[5000], 500.0), "flat line");
        expectMessage(() -> p.preprocessRecording(new double[5000], -1.0), "sampling rates must be positive");
        expectMessage(() -> EkganPreprocessor.parseNormalization("zscore"), "per_lead or fixed");
    }

    @Test
    public void csvReaderHandlesHeadersAndErrors() throws Exception {
        double[] one = CsvLeadReader.read(new StringReader("# lead I in mV\n0.1\n0.2\n-0.3\n"));
        assertTrue(Arrays.equals(one, new double[] {0.1, 0.2, -0.3}));
        double[] named = CsvLeadReader.read(new StringReader("time,I,II\n0,0.5,1\n0.002,0.25,2\n"));
        assertTrue(Arrays.equals(named, new double[] {0.5, 0.25}));
        expectCsv("time,II\n0,1\n", "no Lead I column");
        expectCsv("0.1\nabc\n", "line 2");
        expectCsv("", "no samples");
        expectCsv("1,2\n3,4\n", "no header");
    }

    private static void expectCsv(String text, String part) {
        try {
            CsvLeadReader.read(new StringReader(text));
            fail("expected an error mentioning '" + part + "'");
        } catch (SignalException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(part));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
