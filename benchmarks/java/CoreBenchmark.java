import org.ecgtf.core.LeadModel;
import org.ecgtf.core.Unet1dStream;

/**
 * Java-side cost of the Android core's unet1d live path (Unet1dStream: quality gate, band-pass,
 * resampling, windowing, overlap-add; Lead I pushed in 1 s chunks) on SECONDS of Lead I at 500 Hz, with
 * a stand-in model (a copy of Lead I into 12 leads) so that only the Java code is timed; the LiteRT model
 * time per window is measured separately and added by benchmarks/mobile_table.py. Prints
 * "seconds windows java_ms" (median of 5 runs after 2 warm-ups).
 * Usage: java -cp CLASSES CoreBenchmark SECONDS SOS_JSON_ROWS...
 */
public final class CoreBenchmark {
    public static void main(String[] args) {
        double seconds = Double.parseDouble(args[0]);
        double[][] sos = new double[args.length - 1][6];
        for (int s = 1; s < args.length; s++) {
            String[] v = args[s].split(",");
            for (int c = 0; c < 6; c++) sos[s - 1][c] = Double.parseDouble(v[c]);
        }
        int n = (int) (seconds * 500);
        double[] lead = new double[n];
        java.util.Random rng = new java.util.Random(0);  // a recorded-like Lead I: beats, wander, noise
        for (int i = 0; i < n; i++) {
            double t = i / 500.0;
            double phase = (t * 1.2) % 1.0;
            lead[i] = 0.1 * Math.sin(2 * Math.PI * 0.3 * t) + Math.exp(-Math.pow((phase - 0.3) / 0.012, 2))
                    + 0.2 * Math.exp(-Math.pow((phase - 0.6) / 0.05, 2)) + 0.01 * rng.nextGaussian();
        }
        final int[] windows = {0};
        LeadModel standIn = window -> {
            windows[0]++;
            float[][] out = new float[12][window.length];
            for (int k = 0; k < 12; k++) System.arraycopy(window, 0, out[k], 0, window.length);
            return out;
        };
        double[] ms = new double[7];
        for (int r = 0; r < ms.length; r++) {
            windows[0] = 0;
            Unet1dStream stream = new Unet1dStream(standIn, sos);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i += 500) stream.push(java.util.Arrays.copyOfRange(lead, i, Math.min(n, i + 500)));
            stream.flush();
            ms[r] = (System.nanoTime() - t0) / 1e6;
        }
        double[] timed = java.util.Arrays.copyOfRange(ms, 2, ms.length);
        java.util.Arrays.sort(timed);
        System.out.println(seconds + " " + windows[0] + " " + timed[timed.length / 2]);
    }
}
