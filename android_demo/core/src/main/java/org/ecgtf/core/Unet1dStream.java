package org.ecgtf.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Live Lead I (500 Hz, mV) → 12 leads (100 Hz, mV) with the 1-D U-Net presets, identical to
 * ecgtf.streaming.ReconstructionStream at 500 Hz (tested on golden vectors). Windows of 512 model
 * samples (2,560 input samples) every 256 (1,280), each prepared from its samples plus 1 s of context on
 * both sides (band-pass at 500 Hz, resample to 100 Hz), checked by the {@link QualityGate} (refused
 * windows are skipped, their reason kept in {@link Chunk#events}), run through the model and stitched by
 * weighted overlap-add. Output lags input by one window plus the margin; memory stays at one window plus
 * margins of input and one window of output.
 */
public final class Unet1dStream {
    public static final double FS = 500.0;
    private static final int SCALE = 5;                 // input samples per model sample
    private static final int WINDOW = Unet1dReconstructor.WINDOW;
    private static final int HOP = Unet1dReconstructor.HOP;
    private static final int MARGIN = 500;              // 1 s at 500 Hz

    /** Newly final output: leads (12 × k, NaN where no valid window covered a sample), validity, reasons. */
    public static final class Chunk {
        public final double[][] leads;
        public final boolean[] valid;
        public final long start;
        public final List<String> events;

        Chunk(double[][] leads, boolean[] valid, long start, List<String> events) {
            this.leads = leads;
            this.valid = valid;
            this.start = start;
            this.events = events;
        }
    }

    private final LeadModel model;
    private final double[][] sos500;
    private final double[] weights = Unet1dReconstructor.overlapWeights(WINDOW);
    private double[] buffer = new double[0];
    private long bufferStart = 0;
    private long received = 0;
    private long windows = 0;
    private long emitted = 0;
    private double[][] acc = new double[12][0];
    private double[] wsum = new double[0];
    private List<String> events = new ArrayList<>();

    private final WindowedDenoiser denoiser;

    public Unet1dStream(LeadModel model, double[][] bandpassSosAt500Hz) {
        this(model, bandpassSosAt500Hz, null);
    }

    /**
     * With a denoiser in front: each window's Lead I, with its margins, is denoised before the band-pass
     * (as ecgtf.Reconstructor.stream with {@code denoise=...}); {@code null}: none.
     */
    public Unet1dStream(LeadModel model, double[][] bandpassSosAt500Hz, WindowedDenoiser denoiser) {
        this.model = model;
        this.sos500 = bandpassSosAt500Hz;
        this.denoiser = denoiser;
    }

    /** Samples held now (input buffer + pending output): bounded. */
    public int heldSamples() {
        return buffer.length + wsum.length;
    }

    public long windowsProcessed() {
        return windows;
    }

    private long lo(long k) {
        return Math.max(0, k * HOP * SCALE - MARGIN);
    }

    private long hi(long k) {
        return (k * HOP + WINDOW) * SCALE + MARGIN;
    }

    public Chunk push(double[] samples) {
        double[] grown = Arrays.copyOf(buffer, buffer.length + samples.length);
        System.arraycopy(samples, 0, grown, buffer.length, samples.length);
        buffer = grown;
        received += samples.length;
        while (hi(windows) <= received) {
            process(windows);
            windows++;
            long drop = lo(windows) - bufferStart;
            if (drop > 0) {
                buffer = Arrays.copyOfRange(buffer, (int) drop, buffer.length);
                bufferStart += drop;
            }
        }
        long fin = windows * HOP - emitted;
        return take((int) Math.max(0, Math.min(fin, wsum.length)));
    }

    /** Everything covered so far (the tail shorter than a window is not reconstructed). */
    public Chunk flush() {
        return take(wsum.length);
    }

    private void process(long k) {
        int lo = (int) (lo(k) - bufferStart);
        int hi = (int) (hi(k) - bufferStart);
        int a = (int) (k * HOP * SCALE - bufferStart);
        int b = a + WINDOW * SCALE;
        double[] core = Arrays.copyOfRange(buffer, a, b);
        double[] seg = Arrays.copyOfRange(buffer, lo, hi);
        float[][] y = null;
        String reason = "";
        boolean finiteSeg = true;
        for (double v : seg) finiteSeg &= Double.isFinite(v);
        if (finiteSeg) {
            double[] clean = denoiser == null ? seg : denoiser.denoise(seg, FS);
            double[] prepared = Resampler.resample(SosFilter.sosfiltfilt(sos500, clean), FS, Unet1dReconstructor.MODEL_FS);
            int off = (int) Math.round(k * HOP - (double) lo(k) / SCALE);
            double[] window = new double[WINDOW];
            for (int i = 0; i < WINDOW; i++) window[i] = prepared[Math.min(prepared.length - 1, off + i)];
            QualityGate.Result q = QualityGate.assess(core, window);
            if (q.ok || !q.refuses) {
                if (!q.ok) events.add("window " + k + " flagged: " + q.reason);
                float[] in = new float[WINDOW];
                for (int i = 0; i < WINDOW; i++) in[i] = (float) window[i];
                y = model.run(in);
                y[0] = in;   // Lead I, the given lead, as the model saw it (an any-leads network's own is untrained)
            } else {
                reason = q.reason;
            }
        } else {
            reason = QualityGate.assess(core, core).reason;
            if (reason.isEmpty()) reason = "non-finite samples in the window's context";
        }
        int start = (int) (k * HOP - emitted);
        int end = start + WINDOW;
        if (end > wsum.length) {
            for (int c = 0; c < 12; c++) acc[c] = Arrays.copyOf(acc[c], end);
            wsum = Arrays.copyOf(wsum, end);
        }
        if (y == null) {
            events.add("window " + k + ": " + reason);
            return;
        }
        for (int i = 0; i < WINDOW; i++) {
            for (int c = 0; c < 12; c++) acc[c][start + i] += weights[i] * y[c][i];
            wsum[start + i] += weights[i];
        }
    }

    private Chunk take(int n) {
        double[][] leads = new double[12][n];
        boolean[] valid = new boolean[n];
        for (int i = 0; i < n; i++) {
            valid[i] = wsum[i] > 0;
            for (int c = 0; c < 12; c++) leads[c][i] = valid[i] ? acc[c][i] / wsum[i] : Double.NaN;
        }
        for (int c = 0; c < 12; c++) acc[c] = Arrays.copyOfRange(acc[c], n, acc[c].length);
        wsum = Arrays.copyOfRange(wsum, n, wsum.length);
        Chunk chunk = new Chunk(leads, valid, emitted, events);
        events = new ArrayList<>();
        emitted += n;
        return chunk;
    }
}
