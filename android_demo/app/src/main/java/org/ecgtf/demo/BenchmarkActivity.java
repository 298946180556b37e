package org.ecgtf.demo;

import android.app.Activity;
import android.os.Bundle;
import android.os.Handler;
import android.os.Looper;
import android.widget.Button;
import android.widget.EditText;
import android.widget.TextView;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.ecgtf.core.EkganPreprocessor;

/** Runs N inferences of every bundled model (full preset and Lite) at a chosen thread count: p50/p90 latency side by side. */
public final class BenchmarkActivity extends Activity {
    private final ExecutorService worker = Executors.newSingleThreadExecutor();
    private final Handler ui = new Handler(Looper.getMainLooper());

    @Override
    protected void onCreate(Bundle state) {
        super.onCreate(state);
        setContentView(R.layout.activity_benchmark);
        EditText threads = findViewById(R.id.threads);
        EditText runs = findViewById(R.id.runs);
        TextView result = findViewById(R.id.result);
        ((Button) findViewById(R.id.run)).setOnClickListener(v -> {
            final int t, n;
            try {
                t = Integer.parseInt(threads.getText().toString().trim());
                n = Integer.parseInt(runs.getText().toString().trim());
                if (t < 1 || t > 16 || n < 5 || n > 10000) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                result.setText("Threads must be 1–16 and inferences 5–10000.");
                return;
            }
            result.setText("Running…");
            worker.execute(() -> {
                try {
                    StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "threads %d, %d runs each%n", t, n));
                    for (String name : ModelRunner.bundled(this)) {   // side by side, one after the other
                        try (ModelRunner model = new ModelRunner(this, name, t)) {
                            float[] input = new float[EkganPreprocessor.N_OUT];
                            for (int i = 0; i < input.length; i++) input[i] = (float) Math.sin(i * 0.3);
                            for (int i = 0; i < 5; i++) model.run(input);   // warm-up
                            double[] ms = new double[n];
                            for (int i = 0; i < n; i++) {
                                long s = System.nanoTime();
                                model.run(input);
                                ms[i] = (System.nanoTime() - s) / 1e6;
                            }
                            Arrays.sort(ms);
                            text.append(String.format(Locale.ROOT, "%n%s%np50 %.2f ms, p90 %.2f ms, min %.2f ms%n",
                                    model.description, ms[n / 2], ms[(int) Math.ceil(0.9 * n) - 1], ms[0]));
                        }
                    }
                    ui.post(() -> result.setText(text.toString()));
                } catch (Exception e) {
                    ui.post(() -> result.setText("Benchmark failed: " + e.getClass().getSimpleName() + ": " + e.getMessage()));
                }
            });
        });
    }

    @Override
    protected void onDestroy() {
        worker.shutdownNow();
        super.onDestroy();
    }
}
