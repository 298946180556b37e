package org.ecgtf.core;

import java.util.Arrays;

/**
 * Denoises one lead (mV) with a window model (ecgtf's denoiser export: 1,024 samples at 360 Hz in and
 * out, the window's mean kept inside the model), identical to ecgtf.Denoiser (tested on golden vectors):
 * <ol>
 *   <li>resample the recording to the model's rate (resample_poly, as everywhere in the core);</li>
 *   <li>shorter than one window: pad by reflection (or by repeating the last sample when it is shorter
 *       than half a window);</li>
 *   <li>windows every {@code hop} samples, the last one aligned to the end, each through the model;</li>
 *   <li>weighted overlap-add with w[n] = sin²(π (n + ½) / N), resample back, same length as the input.</li>
 * </ol>
 * Used in front of {@link Unet1dReconstructor} and {@link Unet1dStream} (their optional denoiser).
 */
public final class WindowedDenoiser {
    private final WindowModel model;
    private final double modelFs;
    private final int length;
    private final int hop;
    private final double[] weights;

    /** Values from the export's metadata: input_spec.sampling_rate_hz, .length, .hop. */
    public WindowedDenoiser(WindowModel model, double modelFs, int length, int hop) {
        if (length < 16 || hop < 1 || hop > length || !(modelFs > 0)) {
            throw new SignalException("denoiser window: expected length ≥ 16, 1 ≤ hop ≤ length and a positive rate, got "
                    + length + ", " + hop + ", " + modelFs + " Hz");
        }
        this.model = model;
        this.modelFs = modelFs;
        this.length = length;
        this.hop = hop;
        this.weights = Unet1dReconstructor.overlapWeights(length);
    }

    /** The defaults of ecgtf's MIT-BIH denoisers: 1,024 samples at 360 Hz every 512. */
    public WindowedDenoiser(WindowModel model) {
        this(model, 360.0, 1024, 512);
    }

    public double[] denoise(double[] x, double fs) {
        Signals.requireFinite(x, "signal to denoise");
        int n = x.length;
        double[] xm = Resampler.resample(x, fs, modelFs);
        int m = xm.length;
        if (m < length) {
            double[] padded = Arrays.copyOf(xm, length);
            for (int i = m; i < length; i++) {
                padded[i] = 2 * m > length ? xm[2 * (m - 1) - i] : xm[m - 1];   // numpy "reflect" / "edge"
            }
            xm = padded;
        }
        int total = xm.length;
        double[] acc = new double[total];
        double[] wsum = new double[total];
        int last = total - length;
        for (int start = 0; ; start += hop) {
            int s = Math.min(start, last);
            float[] window = new float[length];
            for (int i = 0; i < length; i++) window[i] = (float) xm[s + i];
            float[] y = model.run(window);
            if (y.length != length) {
                throw new SignalException("denoiser returned " + y.length + " samples, expected " + length);
            }
            for (int i = 0; i < length; i++) {
                acc[s + i] += weights[i] * y[i];
                wsum[s + i] += weights[i];
            }
            if (s >= last) break;
        }
        double[] out = new double[m];
        for (int i = 0; i < m; i++) out[i] = acc[i] / wsum[i];
        double[] back = Resampler.resample(out, modelFs, fs);
        double[] fitted = new double[n];
        for (int i = 0; i < n; i++) fitted[i] = back[Math.min(i, back.length - 1)];
        return fitted;
    }
}
