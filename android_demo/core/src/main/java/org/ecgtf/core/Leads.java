package org.ecgtf.core;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The 12 leads in canonical order and the limb-lead laws (as ecgtf.leads). */
public final class Leads {
    public static final String[] NAMES = {"I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"};
    /** Each limb lead as a combination (a, b) of I and II: Einthoven's and Goldberger's laws. */
    static final double[][] LIMB_COORDINATES = {{1, 0}, {0, 1}, {-1, 1}, {-0.5, -0.5}, {1, -0.5}, {-0.5, 1}};

    private Leads() {
    }

    /** Which of the 12 leads are among {@code names}. */
    public static boolean[] given(String[] names) {
        boolean[] out = new boolean[12];
        for (String name : names) out[index(name)] = true;
        return out;
    }

    /**
     * Which of the 12 leads are known exactly when {@code names} are recorded: the given ones and, from two limb leads
     * on, all six limb leads (as ecgtf.leads.known_leads). The {@code fixed} rows of {@link Intervals#bounds}.
     */
    public static boolean[] knownExactly(String[] names) {
        boolean[] out = given(names);
        int limb = 0;
        for (int k = 0; k < 6; k++) if (out[k]) limb++;
        if (limb >= 2) for (int k = 0; k < 6; k++) out[k] = true;
        return out;
    }

    /** Index 0–11 of a lead name (case-insensitive: "avl" is aVL); a clear error for anything else. */
    public static int index(String name) {
        int k = indexOrMinus1(name);
        if (k < 0) {
            throw new SignalException("unknown lead name '" + name + "'; expected one of " + String.join(", ", NAMES));
        }
        return k;
    }

    /**
     * Index 0–11 of a lead name in any common spelling ("avr", "V1", "D2", "MLII"; spaces and hyphens ignored, as
     * ecgtf.leads.normalize_lead_name), or -1.
     */
    public static int indexOrMinus1(String name) {
        String key = name.trim().toUpperCase(Locale.ROOT).replace(" ", "").replace("-", "");
        switch (key) {
            case "D1": case "MLI": return 0;
            case "D2": case "MLII": return 1;
            case "D3": case "MLIII": return 2;
            default:
                for (int k = 0; k < NAMES.length; k++) if (NAMES[k].toUpperCase(Locale.ROOT).equals(key)) return k;
                return -1;
        }
    }

    /** The key of a set of leads in canonical order ({"V2", "i"} → "I+V2"; as ecgtf.leads.set_key). */
    public static String setKey(String[] names) {
        boolean[] in = given(names);
        StringBuilder key = new StringBuilder();
        for (int k = 0; k < 12; k++) {
            if (!in[k]) continue;
            if (key.length() > 0) key.append('+');
            key.append(NAMES[k]);
        }
        return key.toString();
    }

    /**
     * Of the lead-set {@code keys} ({@link #setKey} form), the one whose leads are all among {@code given} with the
     * most leads ({@code given}'s own key first), or null (as ecgtf.leads.best_subset): which calibration or
     * personal head serves a reconstruction from {@code given}.
     */
    public static String bestSubset(Collection<String> keys, String[] given) {
        Set<String> have = new HashSet<>();
        for (String name : given) have.add(NAMES[index(name)]);
        String own = setKey(given), best = null;
        int bestSize = -1;
        for (String key : keys) {
            String[] parts = key.split("\\+");
            if (!have.containsAll(Arrays.asList(parts))) continue;
            boolean better = parts.length > bestSize || (parts.length == bestSize && key.equals(own));
            if (better) {
                best = key;
                bestSize = parts.length;
            }
        }
        return best;
    }

    /**
     * Every lead known from the given ones ({@code names[j]} → {@code signals[j]}, all the same length): the given
     * leads, and with two or more limb leads given all six limb leads from the least-squares I and II over them
     * (exact when they obey the laws; as ecgtf.leads.limb_leads_from). A 12-row array, {@code null} rows for leads
     * not known. {@link #given} says which rows were given.
     */
    public static double[][] known(double[][] signals, String[] names) {
        if (signals.length != names.length || names.length == 0) {
            throw new SignalException(signals.length + " signals for " + names.length + " lead names; expected one "
                    + "signal per named lead");
        }
        Map<Integer, double[]> given = new LinkedHashMap<>();
        for (int j = 0; j < names.length; j++) {
            int k = index(names[j]);
            if (given.containsKey(k)) throw new SignalException("lead " + NAMES[k] + " is given twice");
            if (signals[j].length != signals[0].length) {
                throw new SignalException("lead " + NAMES[k] + " has " + signals[j].length + " samples, lead "
                        + names[0] + " " + signals[0].length + "; the leads must be recorded together");
            }
            given.put(k, signals[j]);
        }
        double[][] out = new double[12][];
        for (Map.Entry<Integer, double[]> e : given.entrySet()) out[e.getKey()] = e.getValue();
        int limb = 0;
        for (int k : given.keySet()) if (k < 6) limb++;
        if (limb < 2) return out;
        double s11 = 0, s12 = 0, s22 = 0;                        // normal equations of (I, II) over the limb leads
        for (int k : given.keySet()) {
            if (k >= 6) continue;
            double a = LIMB_COORDINATES[k][0], b = LIMB_COORDINATES[k][1];
            s11 += a * a;
            s12 += a * b;
            s22 += b * b;
        }
        double det = s11 * s22 - s12 * s12;
        if (Math.abs(det) < 1e-12) {
            throw new SignalException("the given limb leads do not determine I and II (they are the same lead)");
        }
        int n = signals[0].length;
        double[] leadI = new double[n], leadII = new double[n];
        for (int i = 0; i < n; i++) {
            double r1 = 0, r2 = 0;
            for (Map.Entry<Integer, double[]> e : given.entrySet()) {
                int k = e.getKey();
                if (k >= 6) continue;
                r1 += LIMB_COORDINATES[k][0] * e.getValue()[i];
                r2 += LIMB_COORDINATES[k][1] * e.getValue()[i];
            }
            leadI[i] = (s22 * r1 - s12 * r2) / det;
            leadII[i] = (s11 * r2 - s12 * r1) / det;
        }
        for (int k = 0; k < 6; k++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = LIMB_COORDINATES[k][0] * leadI[i] + LIMB_COORDINATES[k][1] * leadII[i];
            out[k] = v;
        }
        return out;
    }
}
