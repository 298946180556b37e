package org.ecgtf.demo;

import android.content.Context;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.ecgtf.core.WindowModel;
import org.ecgtf.core.WindowedDenoiser;
import org.json.JSONException;
import org.json.JSONObject;
import org.tensorflow.lite.Interpreter;

/**
 * An exported ecgtf denoiser (assets/models/NAME.tflite + NAME.json, model "denoiser"): signature
 * "serving_default", input "noisy" float32 (1, length), output "denoised" (1, length) at the metadata's
 * rate. {@link #denoiser()} wraps it in the core's {@link WindowedDenoiser} (windows + overlap-add), to
 * pass to Unet1dReconstructor / Unet1dStream. Its LSTMs keep state between invocations in TFLite, so
 * the state is reset before every window (as ecgtf.Denoiser.from_tflite does).
 */
final class DenoiserRunner implements WindowModel, AutoCloseable {
    private final Interpreter interpreter;
    private final double fs;
    private final int length;
    private final int hop;

    DenoiserRunner(Context context, String name, int threads) throws IOException, JSONException {
        JSONObject meta = new JSONObject(ModelRunner.readAsset(context, ModelRunner.FOLDER + "/" + name + ".json"));
        if (!"denoiser".equals(meta.getString("model"))) {
            throw new IOException(name + " is a " + meta.getString("model") + " model, not a denoiser");
        }
        JSONObject spec = meta.getJSONObject("input_spec");
        fs = spec.getDouble("sampling_rate_hz");
        length = spec.getInt("length");
        hop = spec.getInt("hop");
        interpreter = new Interpreter(ModelRunner.mapAsset(context, ModelRunner.FOLDER + "/" + name + ".tflite"),
                new Interpreter.Options().setNumThreads(threads));
    }

    WindowedDenoiser denoiser() {
        return new WindowedDenoiser(this, fs, length, hop);
    }

    @Override
    public float[] run(float[] window) {
        interpreter.resetVariableTensors();
        Map<String, Object> inputs = new HashMap<>();
        inputs.put("noisy", new float[][] {window});
        float[][] out = new float[1][window.length];
        Map<String, Object> outputs = new HashMap<>();
        outputs.put("denoised", out);
        interpreter.runSignature(inputs, outputs, "serving_default");
        return out[0];
    }

    @Override
    public void close() {
        interpreter.close();
    }
}
