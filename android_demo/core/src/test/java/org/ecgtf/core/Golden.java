package org.ecgtf.core;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;

/** Golden vectors written by `python -m export.golden DIR`: one array per line, "name n v1 … vn". */
final class Golden {
    static final double TOL = 1e-4;

    static Path dir() {
        return Paths.get(System.getProperty("golden.dir", "src/test/resources/golden"));
    }

    static Map<String, double[]> load(String file) throws IOException {
        Path p = dir().resolve(file);
        if (!Files.exists(p)) {
            throw new IOException(p + " not found: generate it with `python -m export.golden " + dir() + "`");
        }
        Map<String, double[]> out = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] parts = line.trim().split(" ");
                int n = Integer.parseInt(parts[1]);
                double[] v = new double[n];
                for (int i = 0; i < n; i++) v[i] = Double.parseDouble(parts[2 + i]);
                out.put(parts[0], v);
            }
        }
        return out;
    }

    static double[][] rows(double[] flat, int cols) {
        double[][] out = new double[flat.length / cols][cols];
        for (int r = 0; r < out.length; r++) System.arraycopy(flat, r * cols, out[r], 0, cols);
        return out;
    }

    static double maxAbsDiff(double[] a, double[] b) {
        if (a.length != b.length) throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    static double[] toDouble(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i];
        return out;
    }

    private Golden() {
    }

    /** The any-leads stand-in (ecgtf.kits.golden.multi_lead_stand_in): lead k = gains[k]·x0 + bias[k] + 0.3·x_k + 0.05·Σx. */
    static MultiLeadModel multiStandIn(double[] gains, double[] bias) {
        return rows -> {
            int n = rows[0].length;
            float[][] out = new float[12][n];
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int k = 0; k < 12; k++) sum += rows[k][i];
                for (int k = 0; k < 12; k++) {
                    out[k][i] = (float) (gains[k] * rows[0][i] + bias[k] + 0.3 * rows[k][i] + 0.05 * sum);
                }
            }
            return out;
        };
    }

    /** The linear stand-in model of the golden vectors: lead k = gains[k] · x + bias[k]. */
    static LeadModel standIn(double[] gains, double[] bias) {
        return leadI -> {
            float[][] out = new float[12][leadI.length];
            for (int k = 0; k < 12; k++) {
                for (int i = 0; i < leadI.length; i++) out[k][i] = (float) (gains[k] * leadI[i] + bias[k]);
            }
            return out;
        };
    }
}
