package org.ecgtf.core;

/**
 * EKGAN preprocessing of Lead I, identical to ecgtf.preprocessing.ekgan (Python):
 * resample to 500 Hz if needed, drop the first second, keep 4,096 samples, normalise (per-lead
 * min-max to [-1, 1], or divide by a fixed mV scale), band-pass (the model's SOS coefficients,
 * forward-backward), downsample by 8 → 512 samples at 62.5 Hz. Signals are in millivolts.
 */
public final class EkganPreprocessor {
    public static final double FS = 500.0;
    public static final int DROP = 500;
    public static final int N_KEEP = 4096;
    public static final int FACTOR = 8;
    public static final int N_OUT = N_KEEP / FACTOR;

    public enum Normalization { PER_LEAD, FIXED }

    /** Preprocessed Lead I with the affine map back to millivolts: mV ≈ x · scale + offset. */
    public static final class Result {
        public final float[] x;
        public final double scale;
        public final double offset;

        Result(float[] x, double scale, double offset) {
            this.x = x;
            this.scale = scale;
            this.offset = offset;
        }
    }

    private final double[][] sos;
    private final Normalization normalization;
    private final double fixedScaleMv;

    /**
     * @param sos band-pass sections from the model's metadata ("bandpass_sos")
     * @param normalization "per_lead" or "fixed", as in the metadata
     * @param fixedScaleMv mV per unit for FIXED (metadata "fixed_scale_mv", 2.5)
     */
    public EkganPreprocessor(double[][] sos, Normalization normalization, double fixedScaleMv) {
        if (sos == null || sos.length == 0) {
            throw new SignalException("band-pass SOS coefficients are missing (expected the model metadata's bandpass_sos)");
        }
        for (double[] section : sos) {
            if (section.length != 6) {
                throw new SignalException("each SOS section needs 6 coefficients, got " + section.length);
            }
        }
        this.sos = sos;
        this.normalization = normalization;
        this.fixedScaleMv = fixedScaleMv;
    }

    public static Normalization parseNormalization(String name) {
        if ("per_lead".equals(name)) return Normalization.PER_LEAD;
        if ("fixed".equals(name)) return Normalization.FIXED;
        throw new SignalException("unknown normalization '" + name + "'; expected per_lead or fixed");
    }

    public Normalization normalization() {
        return normalization;
    }

    public double fixedScaleMv() {
        return fixedScaleMv;
    }

    /** A whole recording of Lead I (mV) at fs Hz → the model input. */
    public Result preprocessRecording(double[] leadI, double fs) {
        Signals.requireFinite(leadI, "Lead I");
        double[] x = Resampler.resample(leadI, fs, FS);
        int needed = DROP + N_KEEP;
        if (x.length < needed) {
            throw new SignalException(String.format(java.util.Locale.ROOT,
                    "recording is %.2f s long; need at least %.3f s (%d samples at 500 Hz)",
                    leadI.length / fs, needed / FS, needed));
        }
        double[] window = new double[N_KEEP];
        System.arraycopy(x, DROP, window, 0, N_KEEP);
        return preprocessWindow(window);
    }

    /** One window of exactly 4,096 samples at 500 Hz (no cropping) → the model input. */
    public Result preprocessWindow(double[] window) {
        if (window.length != N_KEEP) {
            throw new SignalException("expected a window of " + N_KEEP + " samples at 500 Hz, got " + window.length);
        }
        Signals.requireFinite(window, "Lead I window");
        Signals.requireNotFlat(window, "Lead I window");
        double scale, offset;
        double[] x = new double[N_KEEP];
        if (normalization == Normalization.PER_LEAD) {
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (double v : window) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            scale = (hi - lo) / 2.0;
            offset = (hi + lo) / 2.0;
        } else {
            scale = fixedScaleMv;
            offset = 0.0;
        }
        for (int i = 0; i < N_KEEP; i++) {
            x[i] = (window[i] - offset) / scale;
        }
        double[] filtered = SosFilter.sosfiltfilt(sos, x);
        double[] down = Resampler.resamplePoly(filtered, 1, FACTOR);
        float[] out = new float[N_OUT];
        for (int i = 0; i < N_OUT; i++) {
            out[i] = (float) down[i];
        }
        return new Result(out, scale, offset);
    }

    /** Model output (12 × n, normalised) → millivolts with per-lead scale and offset. */
    public static double[][] toMillivolts(float[][] leads, double[] scale, double[] offset) {
        if (leads.length != scale.length || leads.length != offset.length) {
            throw new SignalException("need one scale and offset per lead: " + leads.length + " leads, "
                    + scale.length + " scales, " + offset.length + " offsets");
        }
        double[][] out = new double[leads.length][];
        for (int k = 0; k < leads.length; k++) {
            out[k] = new double[leads[k].length];
            for (int i = 0; i < leads[k].length; i++) {
                out[k][i] = leads[k][i] * scale[k] + offset[k];
            }
        }
        return out;
    }
}
