package org.ecgtf.core;

/**
 * Polyphase resampling identical to scipy.signal.resample_poly(x, up, down) with its default
 * Kaiser (β = 5) anti-aliasing FIR and zero padding, and the FIR design of scipy.signal.firwin.
 */
public final class Resampler {
    private Resampler() {
    }

    /** scipy.signal.firwin(numtaps, cutoff, window=("kaiser", beta)); cutoff relative to Nyquist. */
    public static double[] firwinKaiser(int numtaps, double cutoff, double beta) {
        double[] h = new double[numtaps];
        double alpha = 0.5 * (numtaps - 1);
        double i0Beta = besselI0(beta);
        double sum = 0.0;
        for (int n = 0; n < numtaps; n++) {
            double m = n - alpha;
            double ratio = numtaps > 1 ? 2.0 * n / (numtaps - 1) - 1.0 : 0.0;
            double window = besselI0(beta * Math.sqrt(Math.max(0.0, 1.0 - ratio * ratio))) / i0Beta;
            h[n] = cutoff * sinc(cutoff * m) * window;
            sum += h[n];
        }
        for (int n = 0; n < numtaps; n++) {
            h[n] /= sum;
        }
        return h;
    }

    /** The filter resample_poly uses for (up, down), already multiplied by up. */
    public static double[] resamplePolyFilter(int up, int down) {
        int g = gcd(up, down);
        up /= g;
        down /= g;
        int maxRate = Math.max(up, down);
        double[] h = firwinKaiser(2 * 10 * maxRate + 1, 1.0 / maxRate, 5.0);
        for (int i = 0; i < h.length; i++) {
            h[i] *= up;
        }
        return h;
    }

    public static double[] resamplePoly(double[] x, int up, int down) {
        if (up < 1 || down < 1) {
            throw new SignalException("up and down must be positive integers, got " + up + " and " + down);
        }
        int g = gcd(up, down);
        up /= g;
        down /= g;
        if (up == 1 && down == 1) {
            return x.clone();
        }
        int nIn = x.length;
        long nOutL = (long) nIn * up;
        int nOut = (int) (nOutL / down + (nOutL % down != 0 ? 1 : 0));
        double[] h0 = resamplePolyFilter(up, down);
        int halfLen = (h0.length - 1) / 2;
        int nPrePad = down - halfLen % down;
        int nPreRemove = (halfLen + nPrePad) / down;
        int nPostPad = 0;
        while (outputLength(h0.length + nPrePad + nPostPad, nIn, up, down) < nOut + nPreRemove) {
            nPostPad++;
        }
        double[] h = new double[h0.length + nPrePad + nPostPad];
        System.arraycopy(h0, 0, h, nPrePad, h0.length);
        double[] y = new double[nOut];
        for (int k = 0; k < nOut; k++) {
            long t = (long) (k + nPreRemove) * down;       // index in the upsampled signal
            // taps j with (t - j) a multiple of up and 0 <= (t - j) / up < nIn
            long jStart = t % up;
            double acc = 0.0;
            for (long j = jStart; j < h.length && j <= t; j += up) {
                long m = (t - j) / up;
                if (m < nIn) {
                    acc += h[(int) j] * x[(int) m];
                }
            }
            y[k] = acc;
        }
        return y;
    }

    /** Resample from fsIn to fsOut Hz with the rational ratio Python's Fraction.limit_denominator(1000) gives. */
    public static double[] resample(double[] x, double fsIn, double fsOut) {
        if (!(fsIn > 0) || !(fsOut > 0)) {
            throw new SignalException("sampling rates must be positive, got " + fsIn + " and " + fsOut + " Hz");
        }
        if (Math.abs(fsIn - fsOut) <= 1e-8 * Math.max(fsIn, fsOut)) {
            return x.clone();
        }
        long[] pq = limitDenominator(fsOut / fsIn, 1000);
        return resamplePoly(x, (int) pq[0], (int) pq[1]);
    }

    /** Closest fraction p/q to value with q ≤ maxDenominator (Python's Fraction.limit_denominator). */
    static long[] limitDenominator(double value, long maxDenominator) {
        // exact binary fraction of the double, as Python's Fraction(float) does
        java.math.BigDecimal bd = new java.math.BigDecimal(value);
        java.math.BigInteger num = bd.unscaledValue();
        java.math.BigInteger den = java.math.BigInteger.TEN.pow(Math.max(0, bd.scale()));
        if (bd.scale() < 0) {
            num = num.multiply(java.math.BigInteger.TEN.pow(-bd.scale()));
        }
        java.math.BigInteger g = num.gcd(den);
        num = num.divide(g);
        den = den.divide(g);
        java.math.BigInteger maxD = java.math.BigInteger.valueOf(maxDenominator);
        if (den.compareTo(maxD) <= 0) {
            return new long[] {num.longValueExact(), den.longValueExact()};
        }
        java.math.BigInteger p0 = java.math.BigInteger.ZERO, q0 = java.math.BigInteger.ONE;
        java.math.BigInteger p1 = java.math.BigInteger.ONE, q1 = java.math.BigInteger.ZERO;
        java.math.BigInteger n = num, d = den;
        while (true) {
            java.math.BigInteger a = n.divide(d);
            java.math.BigInteger q2 = q0.add(a.multiply(q1));
            if (q2.compareTo(maxD) > 0) {
                break;
            }
            java.math.BigInteger p2 = p0.add(a.multiply(p1));
            p0 = p1;
            q0 = q1;
            p1 = p2;
            q1 = q2;
            java.math.BigInteger r = n.subtract(a.multiply(d));
            n = d;
            d = r;
        }
        java.math.BigInteger k = maxD.subtract(q0).divide(q1);
        // bound1 = (p0 + k p1) / (q0 + k q1), bound2 = p1 / q1: pick the closer one
        java.math.BigInteger b1n = p0.add(k.multiply(p1)), b1d = q0.add(k.multiply(q1));
        java.math.BigDecimal target = new java.math.BigDecimal(num).divide(new java.math.BigDecimal(den), java.math.MathContext.DECIMAL128);
        java.math.BigDecimal e1 = new java.math.BigDecimal(b1n).divide(new java.math.BigDecimal(b1d), java.math.MathContext.DECIMAL128).subtract(target).abs();
        java.math.BigDecimal e2 = new java.math.BigDecimal(p1).divide(new java.math.BigDecimal(q1), java.math.MathContext.DECIMAL128).subtract(target).abs();
        return e2.compareTo(e1) <= 0 ? new long[] {p1.longValueExact(), q1.longValueExact()}
                : new long[] {b1n.longValueExact(), b1d.longValueExact()};
    }

    private static int outputLength(int lenH, int nIn, int up, int down) {
        return (int) ((((long) (nIn - 1)) * up + lenH - 1) / down + 1);
    }

    static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private static double sinc(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        double px = Math.PI * x;
        return Math.sin(px) / px;
    }

    /** Modified Bessel function of the first kind, order 0 (power series). */
    static double besselI0(double x) {
        double sum = 1.0, term = 1.0, q = x * x / 4.0;
        for (int k = 1; k < 500; k++) {
            term *= q / ((double) k * k);
            sum += term;
            if (term < 1e-17 * sum) {
                break;
            }
        }
        return sum;
    }
}
