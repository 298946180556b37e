package org.ecgtf.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Map;
import org.junit.Test;

public class Unet1dAnyLeadsTest {
    private static Unet1dReconstructor standIn(Map<String, double[]> g) {
        return new Unet1dReconstructor(Golden.multiStandIn(g.get("gains"), g.get("bias")), Golden.rows(g.get("sos500"), 6),
                null);
    }

    private static double worst(double[][] out, double[] expected) {
        int n = out[0].length;
        assertEquals(expected.length, 12 * n);
        double worst = 0;
        for (int k = 0; k < 12; k++) {
            for (int i = 0; i < n; i++) worst = Math.max(worst, Math.abs(out[k][i] - expected[k * n + i]));
        }
        return worst;
    }

    @Test
    public void matchesPythonWithGivenChestAndLimbLeads() throws Exception {
        Map<String, double[]> g = Golden.load("unet1d_any.txt");
        double[][] x = Golden.rows(g.get("signal_500"), g.get("signal_500").length / 12);
        Unet1dReconstructor r = standIn(g);
        double[][] iV2 = r.reconstruct(new double[][] {x[0], x[7]}, new String[] {"I", "V2"}, 500.0);
        double w = worst(iV2, g.get("leads_i_v2_500"));
        assertTrue("I+V2: max |Java − Python| = " + w, w <= Golden.TOL);
        assertEquals(0.0, Golden.maxAbsDiff(iV2[7], x[7]), 0.0);            // a given lead comes back exactly
        double[][] limb = r.reconstruct(new double[][] {x[1], x[2], x[10]}, new String[] {"II", "III", "V5"}, 500.0);
        w = worst(limb, g.get("leads_ii_iii_v5_500"));
        assertTrue("II+III+V5: max |Java − Python| = " + w, w <= Golden.TOL);
    }

    @Test
    public void personalProfileMatchesPython() throws Exception {
        Map<String, double[]> g = Golden.load("unet1d_any.txt");
        double[][] x = Golden.rows(g.get("signal_500"), g.get("signal_500").length / 12);
        double[][] ref = Golden.rows(g.get("reference_500"), g.get("reference_500").length / 12);
        Unet1dReconstructor r = standIn(g);
        PersonalProfile p = PersonalProfile.fit(r, ref, 500.0);
        double[] expected = g.get("profile");
        double[][] w = p.weights();
        for (int j = 0; j < 7; j++) {
            for (int m = 0; m < PersonalProfile.N_FEATURES; m++) {
                double e = expected[PersonalProfile.N_FEATURES * j + m];
                assertEquals("weight " + PersonalProfile.CORRECTED[j] + "[" + m + "]", e, w[j][m], 1e-6 * Math.max(1, Math.abs(e)));
            }
        }
        PersonalProfile iV2 = PersonalProfile.fit(r, ref, 500.0, new String[] {"I", "V2"});     // the head of I+V2
        double[] expectedIV2 = g.get("profile_i_v2");
        for (int j = 0; j < 7; j++) {
            for (int m = 0; m < PersonalProfile.N_FEATURES; m++) {
                double e = expectedIV2[PersonalProfile.N_FEATURES * j + m];
                assertEquals("I+V2 weight " + j + "[" + m + "]", e, iV2.weights()[j][m], 1e-6 * Math.max(1, Math.abs(e)));
            }
        }
        Unet1dReconstructor personal = new Unet1dReconstructor(iV2.behind(Golden.multiStandIn(g.get("gains"), g.get("bias"))),
                Golden.rows(g.get("sos500"), 6), null);
        double[][] out = personal.reconstruct(new double[][] {x[0], x[7]}, new String[] {"I", "V2"}, 500.0);
        double err = worst(out, g.get("personal_i_v2_500"));
        assertTrue("personal: max |Java − Python| = " + err, err <= Golden.TOL);
        assertEquals(0.0, Golden.maxAbsDiff(PersonalProfile.of(w).weights()[3], w[3]), 0.0);
    }

    @Test(expected = SignalException.class)
    public void refusesAReferenceThatIsNotTwelveLeads() throws Exception {
        Map<String, double[]> g = Golden.load("unet1d_any.txt");
        PersonalProfile.fit(standIn(g), new double[6][5000], 500.0);
    }

    @Test(expected = SignalException.class)
    public void refusesUnknownLeadNames() throws Exception {
        Map<String, double[]> g = Golden.load("unet1d_any.txt");
        standIn(g).reconstruct(new double[][] {new double[3000], new double[3000]}, new String[] {"I", "V7"}, 500.0);
    }

    @Test(expected = SignalException.class)
    public void refusesRepeatedLeads() throws Exception {
        Map<String, double[]> g = Golden.load("unet1d_any.txt");
        standIn(g).reconstruct(new double[][] {new double[3000], new double[3000]}, new String[] {"I", "i"}, 500.0);
    }

    @Test
    public void limbLeadsFollowFromTwo() {
        double[] i = {1, 2, 3}, ii = {0.5, -1, 2};
        double[] iii = new double[3];
        for (int n = 0; n < 3; n++) iii[n] = ii[n] - i[n];
        double[][] known = Leads.known(new double[][] {ii, iii}, new String[] {"II", "III"});
        for (int n = 0; n < 3; n++) {
            assertEquals(i[n], known[0][n], 1e-12);
            assertEquals(i[n] - ii[n] / 2, known[4][n], 1e-12);          // aVL
        }
    }
}
