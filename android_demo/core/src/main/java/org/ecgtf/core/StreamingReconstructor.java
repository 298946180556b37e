package org.ecgtf.core;

import java.util.Arrays;

/**
 * Continuous Lead I (500 Hz, mV) → continuous 12 leads (62.5 Hz), identical to
 * ecgtf.streaming.StreamingReconstructor: windows of 4,096 samples every {@code hop} samples, each
 * preprocessed and run through the model, stitched by weighted overlap-add with
 * w[n] = sin²(π (n + ½) / 512). {@link #push} returns the output samples that no later window
 * can change; {@link #flush} returns the rest. Output is in model units (× the fixed scale for
 * FIXED normalisation gives mV).
 */
public final class StreamingReconstructor {
    private final LeadModel model;
    private final EkganPreprocessor pre;
    private final int hop;
    private final int hopOut;
    private final double[] weights;
    private double[] buffer = new double[0];
    private double[][] acc = new double[12][0];
    private double[] wsum = new double[0];
    private long emitted;
    private long windows;

    public StreamingReconstructor(LeadModel model, EkganPreprocessor pre, int hop) {
        if (hop <= 0 || hop > EkganPreprocessor.N_KEEP || hop % EkganPreprocessor.FACTOR != 0) {
            throw new SignalException("hop must be in (0, 4096] and a multiple of 8 samples, got " + hop);
        }
        this.model = model;
        this.pre = pre;
        this.hop = hop;
        this.hopOut = hop / EkganPreprocessor.FACTOR;
        int n = EkganPreprocessor.N_OUT;
        this.weights = new double[n];
        for (int i = 0; i < n; i++) {
            double s = Math.sin(Math.PI * (i + 0.5) / n);
            weights[i] = s * s;
        }
    }

    /** Add samples; returns newly final output as 12 × k (k may be 0). */
    public double[][] push(double[] samples) {
        Signals.requireFinite(samples, "stream chunk");
        double[] joined = Arrays.copyOf(buffer, buffer.length + samples.length);
        System.arraycopy(samples, 0, joined, buffer.length, samples.length);
        buffer = joined;
        while (buffer.length >= EkganPreprocessor.N_KEEP) {
            processWindow(Arrays.copyOfRange(buffer, 0, EkganPreprocessor.N_KEEP));
            buffer = Arrays.copyOfRange(buffer, hop, buffer.length);
        }
        if (windows == 0) {
            return new double[12][0];
        }
        long fin = windows * hopOut - emitted;
        return take((int) Math.max(0, Math.min(fin, wsum.length)));
    }

    /** Everything still held (the tail shorter than a window is not reconstructed). */
    public double[][] flush() {
        return take(wsum.length);
    }

    public long windowsProcessed() {
        return windows;
    }

    private void processWindow(double[] raw) {
        EkganPreprocessor.Result r = pre.preprocessWindow(raw);
        float[][] y = model.run(r.x);
        int n = EkganPreprocessor.N_OUT;
        if (y.length != 12 || y[0].length != n) {
            throw new SignalException("model returned " + y.length + " × " + (y.length > 0 ? y[0].length : 0)
                    + ", expected 12 × " + n);
        }
        int start = (int) (windows * hopOut - emitted);
        int end = start + n;
        if (end > wsum.length) {
            wsum = Arrays.copyOf(wsum, end);
            for (int k = 0; k < 12; k++) acc[k] = Arrays.copyOf(acc[k], end);
        }
        for (int i = 0; i < n; i++) {
            double w = weights[i];
            for (int k = 0; k < 12; k++) acc[k][start + i] += w * y[k][i];
            wsum[start + i] += w;
        }
        windows++;
    }

    private double[][] take(int n) {
        double[][] out = new double[12][n];
        for (int k = 0; k < 12; k++) {
            for (int i = 0; i < n; i++) out[k][i] = acc[k][i] / wsum[i];
            acc[k] = Arrays.copyOfRange(acc[k], n, acc[k].length);
        }
        wsum = Arrays.copyOfRange(wsum, n, wsum.length);
        emitted += n;
        return out;
    }
}
