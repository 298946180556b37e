package org.ecgtf.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.StringReader;
import java.util.Arrays;
import org.junit.Test;

public class CsvLeadReaderTest {
    private static CsvLeadReader.Recording read(String text) throws IOException {
        return CsvLeadReader.readLeads(new StringReader(text));
    }

    private static void refused(String text, String says) throws IOException {
        try {
            read(text);
            fail("accepted: " + text);
        } catch (SignalException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains(says));
        }
    }

    @Test
    public void headerNamesTheLeadsInAnySpelling() throws IOException {
        CsvLeadReader.Recording r = read("# device export\ntime_s,lead_I_mV,II (mV),v2,II_lo_mV\n0,0.1,0.2,0.3,9\n0.002,0.4,0.5,0.6,9\n");
        assertArrayEquals(new String[] {"I", "II", "V2"}, r.names);
        assertArrayEquals(new double[] {0.1, 0.4}, r.signals[0], 0.0);
        assertArrayEquals(new double[] {0.3, 0.6}, r.signals[2], 0.0);
        assertArrayEquals(new String[] {"aVR", "II"}, read("AVR;MLII\n1;2\n").names);
    }

    @Test
    public void withoutHeaderOneColumnIsLeadIAndTwelveAreCanonical() throws IOException {
        assertArrayEquals(new String[] {"I"}, read("0.1\n0.2\n").names);
        String row = "1,2,3,4,5,6,7,8,9,10,11,12\n";
        CsvLeadReader.Recording r = read(row + row);
        assertArrayEquals(Leads.NAMES, r.names);
        assertEquals(12.0, r.signals[11][1], 0.0);
    }

    @Test
    public void badFilesAreRefusedWithTheLine() throws IOException {
        refused("I,I\n1,2\n", "named twice");
        refused("time,ecg\n1,2\n", "names no lead");
        refused("1,2,3\n", "3 unnamed columns");
        refused("I,II\n1,2\n3\n", "line 3: 1 columns, expected 2");
        refused("I,II\n1,x\n", "line 2: 'x' is not a number (expected lead II");
        refused("# nothing\n", "no samples");
    }

    @Test
    public void setKeysAndBestSubsetAsPython() {
        assertEquals("I+V2", Leads.setKey(new String[] {"V2", "i"}));
        java.util.List<String> keys = Arrays.asList("I", "I+II", "I+V2", "I+II+V2");
        assertEquals("I+II", Leads.bestSubset(keys, new String[] {"II", "I", "V5"}));
        assertEquals("I+II+V2", Leads.bestSubset(keys, new String[] {"V2", "II", "I"}));
        assertEquals("I", Leads.bestSubset(keys, new String[] {"I", "V4"}));
        assertNull(Leads.bestSubset(keys, new String[] {"II", "V1"}));
        assertEquals(1, Leads.indexOrMinus1("D2"));
        assertEquals(-1, Leads.indexOrMinus1("time"));
    }
}
