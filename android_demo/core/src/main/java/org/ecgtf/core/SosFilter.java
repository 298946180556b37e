package org.ecgtf.core;

/**
 * IIR filtering with second-order sections, identical to scipy.signal's sosfilt, sosfilt_zi and
 * sosfiltfilt (default odd padding). Each section is {b0, b1, b2, a0, a1, a2} with a0 = 1.
 */
public final class SosFilter {
    private SosFilter() {
    }

    /** Direct form II transposed, section by section; {@code zi[s]} (2 states) is updated in place. */
    public static double[] sosfilt(double[][] sos, double[] x, double[][] zi) {
        double[] y = new double[x.length];
        for (int n = 0; n < x.length; n++) {
            double v = x[n];
            for (int s = 0; s < sos.length; s++) {
                double[] c = sos[s];
                double out = c[0] * v + zi[s][0];
                zi[s][0] = c[1] * v - c[4] * out + zi[s][1];
                zi[s][1] = c[2] * v - c[5] * out;
                v = out;
            }
            y[n] = v;
        }
        return y;
    }

    /** Initial states for a unit step response in steady state (scipy.signal.sosfilt_zi). */
    public static double[][] sosfiltZi(double[][] sos) {
        double[][] zi = new double[sos.length][2];
        double scale = 1.0;
        for (int s = 0; s < sos.length; s++) {
            double b0 = sos[s][0], b1 = sos[s][1], b2 = sos[s][2];
            double a0 = sos[s][3], a1 = sos[s][4] / a0, a2 = sos[s][5] / a0;
            b0 /= a0;
            b1 /= a0;
            b2 /= a0;
            // lfilter_zi: solve (I - companion(a)^T) zi = b[1:] - a[1:] * b0
            double m00 = 1.0 + a1, m01 = -1.0, m10 = a2, m11 = 1.0;
            double r0 = b1 - a1 * b0, r1 = b2 - a2 * b0;
            double det = m00 * m11 - m01 * m10;
            zi[s][0] = scale * (r0 * m11 - m01 * r1) / det;
            zi[s][1] = scale * (m00 * r1 - m10 * r0) / det;
            scale *= (b0 + b1 + b2) / (1.0 + a1 + a2);
        }
        return zi;
    }

    /** Zero-phase forward-backward filtering with odd extension of 3 × (2·sections + 1) samples. */
    public static double[] sosfiltfilt(double[][] sos, double[] x) {
        int zerosB = 0, zerosA = 0;
        for (double[] c : sos) {
            if (c[2] == 0.0) zerosB++;
            if (c[5] == 0.0) zerosA++;
        }
        int ntaps = 2 * sos.length + 1 - Math.min(zerosB, zerosA);
        int edge = 3 * ntaps;
        if (x.length <= edge) {
            throw new SignalException("signal has " + x.length + " samples; the band-pass filter needs more than "
                    + edge);
        }
        double[] ext = new double[x.length + 2 * edge];
        for (int i = 0; i < edge; i++) {
            ext[i] = 2 * x[0] - x[edge - i];
            ext[edge + x.length + i] = 2 * x[x.length - 1] - x[x.length - 2 - i];
        }
        System.arraycopy(x, 0, ext, edge, x.length);
        double[][] zi = sosfiltZi(sos);
        double[][] state = scaled(zi, ext[0]);
        double[] y = sosfilt(sos, ext, state);
        reverse(y);
        state = scaled(zi, y[0]);
        y = sosfilt(sos, y, state);
        reverse(y);
        double[] out = new double[x.length];
        System.arraycopy(y, edge, out, 0, x.length);
        return out;
    }

    private static double[][] scaled(double[][] zi, double factor) {
        double[][] out = new double[zi.length][2];
        for (int s = 0; s < zi.length; s++) {
            out[s][0] = zi[s][0] * factor;
            out[s][1] = zi[s][1] * factor;
        }
        return out;
    }

    private static void reverse(double[] a) {
        for (int i = 0, j = a.length - 1; i < j; i++, j--) {
            double t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
