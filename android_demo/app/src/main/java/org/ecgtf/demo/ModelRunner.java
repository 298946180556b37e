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
import org.ecgtf.core.LeadModel;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;
import org.tensorflow.lite.Interpreter;

/**
 * The exported EKGAN model from assets, with its metadata: signature "serving_default",
 * input "lead_i" float32 (1, 512), output "leads" float32 (1, 12, 512).
 * Swap in another export by replacing ekgan_int8.tflite and ekgan_int8.json in assets.
 */
final class ModelRunner implements LeadModel, AutoCloseable {
    static final String MODEL = "ekgan_int8.tflite";
    static final String METADATA = "ekgan_int8.json";

    private final Interpreter interpreter;
    final EkganPreprocessor preprocessor;
    final String description;

    ModelRunner(Context context, int threads) throws IOException, JSONException {
        JSONObject meta = new JSONObject(readAsset(context, METADATA));
        JSONObject spec = meta.getJSONObject("input_spec");
        JSONArray sosJson = spec.getJSONArray("bandpass_sos");
        double[][] sos = new double[sosJson.length()][6];
        for (int s = 0; s < sos.length; s++) {
            JSONArray row = sosJson.getJSONArray(s);
            for (int c = 0; c < 6; c++) sos[s][c] = row.getDouble(c);
        }
        String norm = spec.getString("normalization");
        double fixedScale = spec.isNull("fixed_scale_mv") ? 1.0 : spec.getDouble("fixed_scale_mv");
        preprocessor = new EkganPreprocessor(sos, EkganPreprocessor.parseNormalization(norm), fixedScale);
        Interpreter.Options options = new Interpreter.Options().setNumThreads(threads);
        interpreter = new Interpreter(mapAsset(context, MODEL), options);
        description = meta.getString("model") + " " + meta.getString("format") + ", "
                + String.format(java.util.Locale.ROOT, "%.1f MB", meta.getLong("size_bytes") / 1e6)
                + ", trained on " + meta.getString("training_data");
    }

    @Override
    public float[][] run(float[] leadI) {
        Map<String, Object> inputs = new HashMap<>();
        inputs.put("lead_i", new float[][] {leadI});
        float[][][] leads = new float[1][12][EkganPreprocessor.N_OUT];
        Map<String, Object> outputs = new HashMap<>();
        outputs.put("leads", leads);
        interpreter.runSignature(inputs, outputs, "serving_default");
        return leads[0];
    }

    @Override
    public void close() {
        interpreter.close();
    }

    private static MappedByteBuffer mapAsset(Context context, String name) throws IOException {
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
