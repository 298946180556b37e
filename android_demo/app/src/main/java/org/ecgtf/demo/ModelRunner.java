package org.ecgtf.demo;

import android.content.Context;
import android.content.res.AssetFileDescriptor;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.ecgtf.core.EkganPreprocessor;
import org.ecgtf.core.Intervals;
import org.ecgtf.core.LeadModel;
import org.ecgtf.core.Leads;
import org.ecgtf.core.MultiLeadModel;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;
import org.tensorflow.lite.Interpreter;

/**
 * A bundled model from assets/models/NAME.tflite + NAME.json (copied there by prepare_assets.sh; by
 * default the two shipped presets, unet1d_12lead and unet1d_lite, so the app can switch between them):
 * signature "serving_default", input "lead_i" float32 (1, 512) — or, for an any-leads preset, "leads_in" float32
 * (1, 12, 512) with a row of zeros for each lead not recorded — output "leads" float32 (1, 12, 512).
 * The metadata's "model" says which signal path feeds it: "unet1d" (the shipped preset: Lead I in
 * mV, band-passed, 100 Hz; mV out) or "ekgan" (EKGAN preprocessing). As a {@link LeadModel} an any-leads file
 * gets Lead I alone; {@link #anyLeads()} gives it every recorded lead (for
 * {@code new Unet1dReconstructor(runner.anyLeads(), sos, null)} and {@code PersonalProfile.behind}).
 */
final class ModelRunner implements LeadModel, AutoCloseable {
    static final String FOLDER = "models";

    private final Interpreter interpreter;
    final String kind;
    /** EKGAN models only (null for unet1d). */
    final EkganPreprocessor preprocessor;
    /** The band-pass of the unet1d path at 500 Hz (null for EKGAN). */
    final double[][] unet1dSos;
    final String description;
    /** The signature's input name: "lead_i" (Lead I models) or "leads_in" (any-leads presets). */
    final String inputName;
    /** The per-lead band calibrations by set of given leads ("I", "I+II", "personal:I"…); empty without NAME.intervals.json. */
    final Map<String, Intervals> intervalSets;

    /** Names of the bundled models (assets/models/NAME.tflite with NAME.json beside it), sorted. */
    static String[] bundled(Context context) throws IOException {
        java.util.List<String> names = new java.util.ArrayList<>();
        String[] files = context.getAssets().list(FOLDER);
        if (files != null) {
            java.util.Set<String> all = new java.util.HashSet<>(java.util.Arrays.asList(files));
            for (String f : files) {
                if (f.endsWith(".tflite") && all.contains(f.substring(0, f.length() - 7) + ".json")) {
                    names.add(f.substring(0, f.length() - 7));
                }
            }
        }
        java.util.Collections.sort(names);
        if (names.isEmpty()) {
            throw new IOException("no model in assets/" + FOLDER + " (run android_demo/prepare_assets.sh)");
        }
        return names.toArray(new String[0]);
    }

    ModelRunner(Context context, String name, int threads) throws IOException, JSONException {
        JSONObject meta = new JSONObject(readAsset(context, FOLDER + "/" + name + ".json"));
        JSONObject spec = meta.getJSONObject("input_spec");
        kind = meta.getString("model");
        if ("unet1d".equals(kind)) {
            unet1dSos = sos(spec.getJSONArray("bandpass_sos_at_500hz"));
            preprocessor = null;
        } else {
            String norm = spec.getString("normalization");
            double fixedScale = spec.isNull("fixed_scale_mv") ? 1.0 : spec.getDouble("fixed_scale_mv");
            preprocessor = new EkganPreprocessor(sos(spec.getJSONArray("bandpass_sos")),
                    EkganPreprocessor.parseNormalization(norm), fixedScale);
            unet1dSos = null;
        }
        inputName = spec.optString("name", "lead_i");
        intervalSets = readIntervals(context, name);
        Interpreter.Options options = new Interpreter.Options().setNumThreads(threads);
        interpreter = new Interpreter(mapAsset(context, FOLDER + "/" + name + ".tflite"), options);
        description = name + ": " + meta.getString("model") + " " + meta.getString("format") + ", "
                + String.format(java.util.Locale.ROOT, "%.1f MB", meta.getLong("size_bytes") / 1e6)
                + ", trained on " + meta.getString("training_data");
    }

    /**
     * Every band calibration of assets/models/NAME.intervals.json (a copy of the preset's intervals.json) by its key;
     * empty when the model has none.
     */
    private static Map<String, Intervals> readIntervals(Context context, String name) throws IOException, JSONException {
        String file = FOLDER + "/" + name + ".intervals.json";
        Map<String, Intervals> out = new HashMap<>();
        try {
            context.getAssets().open(file).close();
        } catch (IOException absent) {
            return out;
        }
        JSONObject sets = new JSONObject(readAsset(context, file)).getJSONObject("sets");
        for (java.util.Iterator<String> keys = sets.keys(); keys.hasNext(); ) {
            String key = keys.next();
            JSONObject set = sets.getJSONObject(key);
            out.put(key, Intervals.of(matrix(set.getJSONArray("weights")), matrix(set.getJSONArray("quantiles"))));
        }
        return out;
    }

    /**
     * The calibration for a reconstruction from {@code given} leads (personalised or not): the set's own, else the
     * calibrated subset with the most leads, else (personalised) the generic one, as
     * ecgtf.intervals.IntervalCalibration.key_for; null when none applies.
     */
    Intervals intervalsFor(String[] given, boolean personal) {
        for (String prefix : personal ? new String[] {"personal:", ""} : new String[] {""}) {
            java.util.List<String> keys = new java.util.ArrayList<>();
            for (String key : intervalSets.keySet()) {
                String rest = key.startsWith(prefix) ? key.substring(prefix.length()) : null;
                if (rest != null && !rest.contains(":")) keys.add(rest);
            }
            String best = Leads.bestSubset(keys, given);
            if (best != null) return intervalSets.get(prefix + best);
        }
        return null;
    }

    private static double[][] matrix(JSONArray rows) throws JSONException {
        double[][] out = new double[rows.length()][];
        for (int r = 0; r < out.length; r++) {
            JSONArray row = rows.getJSONArray(r);
            out[r] = new double[row.length()];
            for (int c = 0; c < out[r].length; c++) out[r][c] = row.getDouble(c);
        }
        return out;
    }

    private static double[][] sos(JSONArray sosJson) throws JSONException {
        double[][] sos = new double[sosJson.length()][6];
        for (int s = 0; s < sos.length; s++) {
            JSONArray row = sosJson.getJSONArray(s);
            for (int c = 0; c < 6; c++) sos[s][c] = row.getDouble(c);
        }
        return sos;
    }

    @Override
    public float[][] run(float[] leadI) {
        if ("leads_in".equals(inputName)) {
            float[][] rows = new float[12][leadI.length];
            rows[0] = leadI;
            return runRows(rows);
        }
        Map<String, Object> inputs = new HashMap<>();
        inputs.put("lead_i", new float[][] {leadI});
        return runSignature(inputs, leadI.length);
    }

    /** Every recorded lead (12 × 512, zero rows: not recorded) → 12 × 512; {@code null} for a Lead I model. */
    MultiLeadModel anyLeads() {
        return "leads_in".equals(inputName) ? this::runRows : null;
    }

    private float[][] runRows(float[][] rows) {
        Map<String, Object> inputs = new HashMap<>();
        inputs.put("leads_in", new float[][][] {rows});
        return runSignature(inputs, rows[0].length);
    }

    private float[][] runSignature(Map<String, Object> inputs, int length) {
        float[][][] leads = new float[1][12][length];
        Map<String, Object> outputs = new HashMap<>();
        outputs.put("leads", leads);
        interpreter.runSignature(inputs, outputs, "serving_default");
        return leads[0];
    }

    @Override
    public void close() {
        interpreter.close();
    }

    static MappedByteBuffer mapAsset(Context context, String name) throws IOException {
        try (AssetFileDescriptor fd = context.getAssets().openFd(name);
             FileInputStream in = new FileInputStream(fd.getFileDescriptor());
             FileChannel channel = in.getChannel()) {
            return channel.map(FileChannel.MapMode.READ_ONLY, fd.getStartOffset(), fd.getDeclaredLength());
        }
    }

    static String readAsset(Context context, String name) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(context.getAssets().open(name), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) sb.append(line).append('\n');
        }
        return sb.toString();
    }
}
