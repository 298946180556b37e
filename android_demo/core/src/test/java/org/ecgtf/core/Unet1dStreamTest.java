package org.ecgtf.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class Unet1dStreamTest {
    @Test
    public void matchesPythonStreamAt500Hz() throws Exception {
        Map<String, double[]> g = Golden.load("unet1d_stream.txt");
        Unet1dStream s = new Unet1dStream(Golden.standIn(g.get("gains"), g.get("bias")), Golden.rows(g.get("sos500"), 6));
        double[] in = g.get("lead_i_500");
        List<Unet1dStream.Chunk> chunks = new ArrayList<>();
        int maxHeld = 0;
        for (int i = 0; i < in.length; i += 777) {
            chunks.add(s.push(java.util.Arrays.copyOfRange(in, i, Math.min(in.length, i + 777))));
            maxHeld = Math.max(maxHeld, s.heldSamples());
        }
        chunks.add(s.flush());
        int n = 0;
        for (Unet1dStream.Chunk c : chunks) n += c.valid.length;
        double[] expected = g.get("leads_100");
        assertEquals(expected.length, 12 * n);
        double worst = 0;
        int offset = 0;
        for (Unet1dStream.Chunk c : chunks) {
            assertEquals(offset, c.start);
            for (int i = 0; i < c.valid.length; i++) {
                assertTrue(c.valid[i]);
                for (int k = 0; k < 12; k++) worst = Math.max(worst, Math.abs(c.leads[k][i] - expected[k * n + offset + i]));
            }
            offset += c.valid.length;
        }
        assertTrue("max |Java − Python| = " + worst, worst <= 1e-4);
        assertTrue("held " + maxHeld, maxHeld < 2560 + 2 * 500 + 777 + 512);
    }

    @Test
    public void healsAfterLeadOffAndNan() throws Exception {
        Map<String, double[]> g = Golden.load("unet1d_stream.txt");
        Unet1dStream s = new Unet1dStream(Golden.standIn(g.get("gains"), g.get("bias")), Golden.rows(g.get("sos500"), 6));
        double[] in = g.get("lead_i_500").clone();
        for (int i = 2500; i < 7500; i++) in[i] = 0.0;          // electrode off for 10 s
        in[12000] = Double.NaN;
        List<String> events = new ArrayList<>();
        List<Boolean> valid = new ArrayList<>();
        for (int i = 0; i < in.length; i += 500) {
            Unet1dStream.Chunk c = s.push(java.util.Arrays.copyOfRange(in, i, Math.min(in.length, i + 500)));
            events.addAll(c.events);
            for (boolean v : c.valid) valid.add(v);
        }
        Unet1dStream.Chunk last = s.flush();
        for (boolean v : last.valid) valid.add(v);
        assertTrue(events.toString(), events.stream().anyMatch(e -> e.contains("flat")));
        assertTrue(events.toString(), events.stream().anyMatch(e -> e.contains("non-finite")));
        assertFalse(valid.get(1000));                            // 10 s into the stream: lead off
        for (int i = valid.size() - 1000; i < valid.size(); i++) assertTrue(valid.get(i));   // healed
    }
}
