package org.ecgtf.core;

/**
 * One person's calibration of a reconstructor, built on the phone from their own 12-lead ECG (as
 * ecgtf.personal.fit_profile / apply_profile): for each of II and V1–V6 two numbers (a, c) so that the corrected
 * lead is {@code a · model lead + c · model Lead I} (mV), fitted by least squares (ridge 1e-3 of the mean energy)
 * on the reference, both sides band-passed 0.5–40 Hz at 100 Hz; III, aVR, aVL and aVF then follow from the
 * corrected I and II; given leads stay as given. The coefficients are what the profile file holds (its
 * {@code coefficients} object, keys II, V1…V6); {@link #of} rebuilds a profile from them.
 */
public final class PersonalProfile {
    public static final String[] CORRECTED = {"II", "V1", "V2", "V3", "V4", "V5", "V6"};
    public static final double MIN_REFERENCE_S = 4.0;
    static final double RIDGE = 1e-3;

    private final double[][] coefficients;

    private PersonalProfile(double[][] coefficients) {
        this.coefficients = coefficients;
    }

    /** A profile from its 7 × 2 coefficients (rows II, V1…V6; each (a, c)); refuses anything else. */
    public static PersonalProfile of(double[][] coefficients) {
        if (coefficients.length != CORRECTED.length) {
            throw new SignalException("a profile holds " + CORRECTED.length + " (a, c) pairs (II, V1…V6), got "
                    + coefficients.length);
        }
        double[][] copy = new double[CORRECTED.length][];
        for (int j = 0; j < copy.length; j++) {
            if (coefficients[j].length != 2) throw new SignalException("profile row " + CORRECTED[j] + ": expected (a, c)");
            Signals.requireFinite(coefficients[j], "profile row " + CORRECTED[j]);
            copy[j] = coefficients[j].clone();
        }
        return new PersonalProfile(copy);
    }

    /** Fit the profile of {@code rec} to a person's 12-lead {@code reference} (12 × n mV, canonical order, ≥ 4 s). */
    public static PersonalProfile fit(Unet1dReconstructor rec, double[][] reference, double fs) {
        if (reference.length != 12) {
            throw new SignalException("reference has " + reference.length + " leads; expected a 12-lead recording in "
                    + "canonical order " + String.join(", ", Leads.NAMES));
        }
        int n = reference[0].length;
        if (n < MIN_REFERENCE_S * fs) {
            throw new SignalException("reference is " + n / fs + " s long; at least " + MIN_REFERENCE_S
                    + " s are needed (a standard 10 s ECG is the usual case)");
        }
        for (int k = 0; k < 12; k++) {
            if (reference[k].length != n) throw new SignalException("reference lead " + Leads.NAMES[k] + " has "
                    + reference[k].length + " samples, Lead I " + n);
            Signals.requireFinite(reference[k], "reference lead " + Leads.NAMES[k]);
            Signals.requireNotFlat(reference[k], "reference lead " + Leads.NAMES[k]);
        }
        int window = (int) Math.ceil(Unet1dReconstructor.WINDOW / Unet1dReconstructor.MODEL_FS * fs);
        double[][] pred = rec.reconstruct(reflectPad(reference[0], window), fs);
        double[] modelI = rec.bandpass100(java.util.Arrays.copyOf(pred[0], n), fs);
        double[][] out = new double[CORRECTED.length][];
        for (int j = 0; j < CORRECTED.length; j++) {
            int k = Leads.index(CORRECTED[j]);
            double[] truth = rec.bandpass100(reference[k], fs);
            double[] model = rec.bandpass100(java.util.Arrays.copyOf(pred[k], n), fs);
            double g11 = 0, g12 = 0, g22 = 0, b1 = 0, b2 = 0;
            for (int i = 0; i < truth.length; i++) {
                g11 += model[i] * model[i];
                g12 += model[i] * modelI[i];
                g22 += modelI[i] * modelI[i];
                b1 += model[i] * truth[i];
                b2 += modelI[i] * truth[i];
            }
            double ridge = RIDGE * (g11 + g22) / 2;
            g11 += ridge;
            g22 += ridge;
            double det = g11 * g22 - g12 * g12;
            out[j] = new double[] {(g22 * b1 - g12 * b2) / det, (g11 * b2 - g12 * b1) / det};
        }
        return new PersonalProfile(out);
    }

    /** numpy.pad(x, (0, window − n), mode="reflect") when shorter than a window (a ≥ 4 s reference always is). */
    static double[] reflectPad(double[] x, int window) {
        if (x.length >= window) return x;
        double[] out = java.util.Arrays.copyOf(x, window);
        for (int i = x.length; i < window; i++) out[i] = x[2 * (x.length - 1) - i];
        return out;
    }

    /** The 7 × 2 coefficients (rows II, V1…V6), a copy. */
    public double[][] coefficients() {
        double[][] copy = new double[coefficients.length][];
        for (int j = 0; j < copy.length; j++) copy[j] = coefficients[j].clone();
        return copy;
    }

    /** Corrected 12 × n leads; leads with {@code given[k]} are left as they are ({@code null}: none given). */
    public double[][] apply(double[][] leads, boolean[] given) {
        boolean[] g = given == null ? new boolean[12] : given;
        double[][] out = new double[12][];
        for (int k = 0; k < 12; k++) out[k] = leads[k].clone();
        for (int j = 0; j < CORRECTED.length; j++) {
            int k = Leads.index(CORRECTED[j]);
            if (g[k]) continue;
            for (int i = 0; i < out[k].length; i++) out[k][i] = coefficients[j][0] * leads[k][i] + coefficients[j][1] * leads[0][i];
        }
        int limbGiven = 0;
        for (int k = 0; k < 6; k++) if (g[k]) limbGiven++;
        if (limbGiven < 2) {
            for (int k = 2; k < 6; k++) {
                if (g[k]) continue;
                for (int i = 0; i < out[k].length; i++) {
                    out[k][i] = Leads.LIMB_COORDINATES[k][0] * out[0][i] + Leads.LIMB_COORDINATES[k][1] * out[1][i];
                }
            }
        }
        return out;
    }
}
