package org.ecgtf.core;

/**
 * One person's calibration of a reconstructor, built on the phone from their own 12-lead ECG (as
 * ecgtf.personal.fit_profile): a linear head on every model window at 100 Hz, after the network. Each of II and
 * V1–V6 becomes a combination of {@link #N_FEATURES} = 18 features — the window's 12 leads (the network's output,
 * with the leads the device recorded in their place) and the lead's own samples shifted by ±1, ±2, ±3 (x[t − d], zeros
 * beyond the window) — and III, aVR, aVL, aVF then follow from I and the corrected II. The 7 × 18 weights are fitted
 * by ridge least squares on the reference (the model's reconstruction of the reference's Lead I vs the reference,
 * both band-passed 0.5–40 Hz at 100 Hz); they are what a profile file holds ({@code coefficients}: II, V1…V6, 18
 * numbers each), and what the TFLite head ({@code personal_head.tflite}, input {@code profile} 1 × 7 × 18) takes.
 */
public final class PersonalProfile {
    public static final String[] CORRECTED = {"II", "V1", "V2", "V3", "V4", "V5", "V6"};
    public static final int TAPS = 3;
    public static final int N_FEATURES = 12 + 2 * TAPS;
    public static final double MIN_REFERENCE_S = 4.0;
    static final double RIDGE = 1e-2;

    private final double[][] weights;

    private PersonalProfile(double[][] weights) {
        this.weights = weights;
    }

    /** A profile from its 7 × 18 weights (rows II, V1…V6); refuses anything else. */
    public static PersonalProfile of(double[][] weights) {
        if (weights.length != CORRECTED.length) {
            throw new SignalException("a profile holds " + CORRECTED.length + " rows (II, V1…V6), got " + weights.length);
        }
        double[][] copy = new double[CORRECTED.length][];
        for (int j = 0; j < copy.length; j++) {
            if (weights[j].length != N_FEATURES) {
                throw new SignalException("profile row " + CORRECTED[j] + ": " + weights[j].length + " weights, expected "
                        + N_FEATURES);
            }
            Signals.requireFinite(weights[j], "profile row " + CORRECTED[j]);
            copy[j] = weights[j].clone();
        }
        return new PersonalProfile(copy);
    }

    /** Fit the Lead I head of {@code rec} to a person's 12-lead {@code reference} (12 × n mV, canonical order, ≥ 4 s). */
    public static PersonalProfile fit(Unet1dReconstructor rec, double[][] reference, double fs) {
        return fit(rec, reference, fs, new String[] {"I"});
    }

    /**
     * Fit the head for the input leads {@code inputs} (e.g. {"I", "II"}: the reference's I and II reconstructed by
     * {@code rec}, as ecgtf.personal.fit_profile's head of that set; a reconstruction given these leads uses it).
     */
    public static PersonalProfile fit(Unet1dReconstructor rec, double[][] reference, double fs, String[] inputs) {
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
        double[][] given = new double[inputs.length][];
        for (int j = 0; j < inputs.length; j++) given[j] = reflectPad(reference[Leads.index(inputs[j])], window);
        double[][] pred = rec.reconstruct(given, inputs, fs);
        double[][] model = new double[12][];
        for (int k = 0; k < 12; k++) model[k] = rec.bandpass100(java.util.Arrays.copyOf(pred[k], n), fs);
        double[][] out = new double[CORRECTED.length][];
        for (int j = 0; j < CORRECTED.length; j++) {
            int k = Leads.index(CORRECTED[j]);
            double[] truth = rec.bandpass100(reference[k], fs);
            double[][] gram = new double[N_FEATURES][N_FEATURES];
            double[] rhs = new double[N_FEATURES];
            double[] f = new double[N_FEATURES];
            for (int t = 0; t < truth.length; t++) {
                features(model, k, t, f);
                for (int a = 0; a < N_FEATURES; a++) {
                    rhs[a] += f[a] * truth[t];
                    for (int b = 0; b < N_FEATURES; b++) gram[a][b] += f[a] * f[b];
                }
            }
            double trace = 0;
            for (int a = 0; a < N_FEATURES; a++) trace += gram[a][a];
            for (int a = 0; a < N_FEATURES; a++) gram[a][a] += RIDGE * trace / N_FEATURES;
            out[j] = solve(gram, rhs);
        }
        return new PersonalProfile(out);
    }

    /** The features of lead {@code k} at sample {@code t} of {@code leads} (12 × m) into {@code f}. */
    static void features(double[][] leads, int k, int t, double[] f) {
        for (int m = 0; m < 12; m++) f[m] = leads[m][t];
        int len = leads[k].length;
        int j = 12;
        for (int d = -TAPS; d <= TAPS; d++) {
            if (d == 0) continue;                       // the unshifted lead is among the 12 already
            int s = t - d;
            f[j++] = s >= 0 && s < len ? leads[k][s] : 0.0;
        }
    }

    /** Gaussian elimination with partial pivoting (the ridge makes the system well posed). */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) m[i] = a[i].clone();
        double[] x = b.clone();
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
            double[] row = m[c];
            m[c] = m[p];
            m[p] = row;
            double t = x[c];
            x[c] = x[p];
            x[p] = t;
            for (int r = c + 1; r < n; r++) {
                double factor = m[r][c] / m[c][c];
                for (int q = c; q < n; q++) m[r][q] -= factor * m[c][q];
                x[r] -= factor * x[c];
            }
        }
        for (int c = n - 1; c >= 0; c--) {
            double s = x[c];
            for (int q = c + 1; q < n; q++) s -= m[c][q] * x[q];
            x[c] = s / m[c][c];
        }
        return x;
    }

    /** numpy.pad(x, (0, window − n), mode="reflect") when shorter than a window (a ≥ 4 s reference always is). */
    static double[] reflectPad(double[] x, int window) {
        if (x.length >= window) return x;
        double[] out = java.util.Arrays.copyOf(x, window);
        for (int i = x.length; i < window; i++) out[i] = x[2 * (x.length - 1) - i];
        return out;
    }

    /** The 7 × 18 weights (rows II, V1…V6), a copy: the TFLite head's {@code profile} input, the file's content. */
    public double[][] weights() {
        double[][] copy = new double[weights.length][];
        for (int j = 0; j < copy.length; j++) copy[j] = weights[j].clone();
        return copy;
    }

    /** The head on 12 × m leads at the model's rate (ecgtf.personal.apply_head). */
    public double[][] apply(double[][] leads) {
        double[][] out = new double[12][];
        for (int k = 0; k < 12; k++) out[k] = leads[k].clone();
        double[] f = new double[N_FEATURES];
        for (int j = 0; j < CORRECTED.length; j++) {
            int k = Leads.index(CORRECTED[j]);
            for (int t = 0; t < out[k].length; t++) {
                features(leads, k, t, f);
                double s = 0;
                for (int a = 0; a < N_FEATURES; a++) s += weights[j][a] * f[a];
                out[k][t] = s;
            }
        }
        for (int k = 2; k < 6; k++) {
            for (int t = 0; t < out[k].length; t++) {
                out[k][t] = Leads.LIMB_COORDINATES[k][0] * out[0][t] + Leads.LIMB_COORDINATES[k][1] * out[1][t];
            }
        }
        return out;
    }

    /** An any-leads model with this head behind it: the recorded (non-zero) rows replace the network's output first. */
    public MultiLeadModel behind(MultiLeadModel model) {
        return rows -> head(rows, model.run(rows));
    }

    /** A Lead I model with this head behind it (Lead I, the input, replaces the network's Lead I first). */
    public LeadModel behindLeadI(LeadModel model) {
        return leadI -> {
            float[][] rows = new float[12][];
            rows[0] = leadI;
            for (int k = 1; k < 12; k++) rows[k] = new float[leadI.length];
            return head(rows, model.run(leadI));
        };
    }

    private float[][] head(float[][] rows, float[][] y) {
        double[][] known = new double[12][];
        for (int k = 0; k < 12; k++) {
            boolean recorded = false;
            for (float v : rows[k]) if (v != 0f) { recorded = true; break; }
            known[k] = new double[y[k].length];
            for (int t = 0; t < y[k].length; t++) known[k][t] = recorded ? rows[k][t] : y[k][t];
        }
        double[][] out = apply(known);
        float[][] result = new float[12][out[0].length];
        for (int k = 0; k < 12; k++) for (int t = 0; t < out[k].length; t++) result[k][t] = (float) out[k][t];
        return result;
    }
}
