package org.ecgtf.core;

/**
 * A whole Lead I recording (mV) → 12 leads (mV) with the 1-D U-Net preset (ecgtf's unet1d_12lead),
 * identical to ecgtf.Reconstructor for 500 Hz input:
 * <ol>
 *   <li>Lead I at 500 Hz (other rates are first resampled to 500 Hz here; Python band-passes at the
 *       input's own rate instead, so results at other rates differ slightly);</li>
 *   <li>band-pass 0.5–40 Hz with the metadata's {@code bandpass_sos_at_500hz} (sosfiltfilt);</li>
 *   <li>resample 500 → 100 Hz (resample_poly 1/5);</li>
 *   <li>windows of 512 samples every 256, the last one aligned to the end; each window (mV) through
 *       the model (12 × 512 mV: the normalisation and amplitude are inside the model);</li>
 *   <li>weighted overlap-add with w[n] = sin²(π (n + ½) / 512), then resample back to the input rate.</li>
 * </ol>
 * With an any-leads model ({@link MultiLeadModel}), {@link #reconstruct(double[][], String[], double)} takes every
 * lead the device records: each known lead (given, or a limb lead following from two given ones, see
 * {@link Leads#known}) is prepared like Lead I and fills its row of the model window (zeros elsewhere); given leads
 * come back exactly, the limb leads that follow from them by the laws. A Lead I model uses Lead I only.
 */
public final class Unet1dReconstructor {
    public static final double MODEL_FS = 100.0;
    public static final double FILTER_FS = 500.0;
    public static final int WINDOW = 512;
    public static final int HOP = 256;

    private final LeadModel model;
    private final MultiLeadModel multi;
    private final double[][] sos500;
    private final WindowedDenoiser denoiser;
    private final double[] weights = overlapWeights(WINDOW);

    public Unet1dReconstructor(LeadModel model, double[][] bandpassSosAt500Hz) {
        this(model, bandpassSosAt500Hz, null);
    }

    /** With a denoiser run on Lead I (at its own rate) before everything else; {@code null}: none. */
    public Unet1dReconstructor(LeadModel model, double[][] bandpassSosAt500Hz, WindowedDenoiser denoiser) {
        this(model, null, bandpassSosAt500Hz, denoiser);
    }

    /** An any-leads model; {@code denoiser} (or {@code null}) runs on every recorded lead first. */
    public Unet1dReconstructor(MultiLeadModel model, double[][] bandpassSosAt500Hz, WindowedDenoiser denoiser) {
        this(null, model, bandpassSosAt500Hz, denoiser);
    }

    private Unet1dReconstructor(LeadModel model, MultiLeadModel multi, double[][] sos, WindowedDenoiser denoiser) {
        this.model = model;
        this.multi = multi;
        this.sos500 = sos;
        this.denoiser = denoiser;
    }

    /** Whether the model takes every recorded lead (an any-leads preset) rather than Lead I alone. */
    public boolean takesAnyLeads() {
        return multi != null;
    }

    /** Overlap-add weights w[n] = sin²(π (n + ½) / N) (as ecgtf.streaming.overlap_weights). */
    static double[] overlapWeights(int n) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            double s = Math.sin(Math.PI * (i + 0.5) / n);
            w[i] = s * s;
        }
        return w;
    }

    /** Lead I at 100 Hz, band-passed, as the model wants it. */
    public double[] prepare(double[] leadI, double fs) {
        return prepare(leadI, fs, "Lead I");
    }

    /** Any lead at 100 Hz, band-passed (and denoised) as the model wants it; {@code what} names it in errors. */
    public double[] prepare(double[] leadI, double fs, String what) {
        Signals.requireFinite(leadI, what);
        Signals.requireNotFlat(leadI, what);
        double minSamples = Math.ceil(WINDOW / MODEL_FS * fs);
        if (leadI.length < minSamples) {
            throw new SignalException(what + " has " + leadI.length + " samples at " + fs + " Hz; needs at least "
                    + (int) minSamples + " (" + WINDOW / MODEL_FS + " s)");
        }
        double[] x = denoiser == null ? leadI : denoiser.denoise(leadI, fs);
        double[] x500 = Resampler.resample(x, fs, FILTER_FS);
        double[] filtered = SosFilter.sosfiltfilt(sos500, x500);
        return Resampler.resample(filtered, FILTER_FS, MODEL_FS);
    }

    /** Any lead band-passed 0.5–40 Hz and resampled to 100 Hz, without checks or denoiser (ecgtf.scores.to_eval_space). */
    public double[] bandpass100(double[] x, double fs) {
        return Resampler.resample(SosFilter.sosfiltfilt(sos500, Resampler.resample(x, fs, FILTER_FS)), FILTER_FS,
                MODEL_FS);
    }

    /**
     * The quality gate on each {@link #WINDOW}-sample window of the prepared recording (the windows the
     * model will see): index i covers model samples [i·HOP, i·HOP + WINDOW). Refused windows should not
     * be shown as reconstructions; flagged ones (noise) with their reason.
     */
    public QualityGate.Result[] quality(double[] leadI, double fs) {
        double[] x = prepare(leadI, fs);
        int count = Math.max(1, (x.length - WINDOW) / HOP + 1);
        QualityGate.Result[] out = new QualityGate.Result[count];
        for (int w = 0; w < count; w++) {
            int s = Math.min(w * HOP, Math.max(0, x.length - WINDOW));
            int e = Math.min(x.length, s + WINDOW);
            int a = (int) Math.floor(s / MODEL_FS * fs), b = Math.min(leadI.length, (int) Math.ceil(e / MODEL_FS * fs));
            out[w] = QualityGate.assess(java.util.Arrays.copyOfRange(leadI, a, b), java.util.Arrays.copyOfRange(x, s, e));
        }
        return out;
    }

    /** 12 × n leads in mV at {@code fs} for a Lead I recording of n samples at {@code fs}. */
    public double[][] reconstruct(double[] leadI, double fs) {
        return reconstruct(new double[][] {leadI}, new String[] {"I"}, fs);
    }

    /**
     * 12 × n leads in mV at {@code fs} from the leads {@code names[j]} = {@code signals[j]} (n samples each, mV,
     * recorded together; Lead I or two limb leads among them). As ecgtf.Reconstructor.reconstruct(signal, fs,
     * leads=names).
     */
    public double[][] reconstruct(double[][] signals, String[] names, double fs) {
        double[][] known = Leads.known(signals, names);
        if (known[0] == null) {
            throw new SignalException("leads " + String.join(",", names) + ": the reconstruction needs Lead I, or two "
                    + "limb leads it follows from (e.g. II and III: I = II − III)");
        }
        int nIn = known[0].length;
        double[][] x = new double[12][];
        for (int k = 0; k < 12; k++) {
            if (known[k] != null && (k == 0 || multi != null)) x[k] = padToWindow(prepare(known[k], fs, "lead " + Leads.NAMES[k]));
        }
        int n = x[0].length;
        double[][] acc = new double[12][n];
        double[] wsum = new double[n];
        int last = n - WINDOW;
        for (int start = 0; ; start += HOP) {
            int s = Math.min(start, last);
            float[][] rows = new float[12][WINDOW];
            for (int k = 0; k < 12; k++) {
                if (x[k] == null) continue;
                for (int i = 0; i < WINDOW; i++) rows[k][i] = (float) x[k][s + i];
            }
            float[][] y = multi != null ? multi.run(rows) : model.run(rows[0]);
            if (y.length != 12 || y[0].length != WINDOW) {
                throw new SignalException("model returned " + y.length + " × " + (y.length > 0 ? y[0].length : 0)
                        + ", expected 12 × " + WINDOW);
            }
            for (int i = 0; i < WINDOW; i++) {
                for (int k = 0; k < 12; k++) acc[k][s + i] += weights[i] * y[k][i];
                wsum[s + i] += weights[i];
            }
            if (s == last) break;
        }
        double[][] out = new double[12][];
        for (int k = 0; k < 12; k++) {
            for (int i = 0; i < n; i++) acc[k][i] /= wsum[i];
            double[] back = Resampler.resample(acc[k], MODEL_FS, fs);
            double[] fitted = new double[nIn];
            for (int i = 0; i < fitted.length; i++) fitted[i] = back[Math.min(i, back.length - 1)];
            out[k] = fitted;
        }
        for (int k = 0; k < 12; k++) if (known[k] != null) out[k] = known[k].clone();   // the known leads exactly,
        for (int j = 0; j < names.length; j++) out[Leads.index(names[j])] = signals[j].clone();   // the given as given
        return out;
    }

    private static double[] padToWindow(double[] x) {
        if (x.length >= WINDOW) return x;
        double[] padded = java.util.Arrays.copyOf(x, WINDOW);
        java.util.Arrays.fill(padded, x.length, WINDOW, x[x.length - 1]);
        return padded;
    }
}
