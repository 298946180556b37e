package org.ecgtf.demo;

import android.app.Activity;
import android.content.Intent;
import android.net.Uri;
import android.os.Bundle;
import android.os.Handler;
import android.os.Looper;
import android.view.View;
import android.widget.AdapterView;
import android.widget.ArrayAdapter;
import android.widget.Button;
import android.widget.Spinner;
import android.widget.EditText;
import android.widget.TextView;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.ecgtf.core.CsvLeadReader;
import org.ecgtf.core.EkganPreprocessor;
import org.ecgtf.core.Leads;
import org.ecgtf.core.QualityGate;
import org.ecgtf.core.SignalException;
import org.ecgtf.core.StreamingReconstructor;
import org.ecgtf.core.Unet1dReconstructor;

/**
 * Lead I → 12 leads: load the bundled sample or a CSV (one Lead I value in mV per line, at the
 * stated sampling rate), preprocess with the Java core, run the int8 model over the recording
 * with overlapping windows, and plot the 12 leads. Errors are shown, never thrown.
 */
public final class MainActivity extends Activity {
    private static final int PICK_CSV = 1;
    private static final String SAMPLE = "sample_lead_i_500hz.csv";
    /** Nominal coverage of the shaded band around each reconstructed lead. */
    private static final double BAND_COVERAGE = 0.8;
    private final ExecutorService worker = Executors.newSingleThreadExecutor();
    private final Handler ui = new Handler(Looper.getMainLooper());
    private TextView status;
    private EditText rate;
    private EcgPlotView plot;
    private double[] leadI;
    private String source = "";
    private String modelName;

    @Override
    protected void onCreate(Bundle state) {
        super.onCreate(state);
        setContentView(R.layout.activity_main);
        status = findViewById(R.id.status);
        rate = findViewById(R.id.sampling_rate);
        plot = findViewById(R.id.plot);
        Spinner models = findViewById(R.id.model);
        try {  // the bundled models (full preset and Lite by default): the user switches here
            String[] names = ModelRunner.bundled(this);
            models.setAdapter(new ArrayAdapter<>(this, android.R.layout.simple_spinner_dropdown_item, names));
            modelName = names[0];
            models.setOnItemSelectedListener(new AdapterView.OnItemSelectedListener() {
                @Override
                public void onItemSelected(AdapterView<?> parent, View view, int position, long id) {
                    modelName = names[position];
                }

                @Override
                public void onNothingSelected(AdapterView<?> parent) {
                }
            });
        } catch (IOException e) {
            showError("No model bundled", e);
        }
        ((Button) findViewById(R.id.load_sample)).setOnClickListener(v -> loadSample());
        ((Button) findViewById(R.id.pick_csv)).setOnClickListener(v -> pickCsv());
        ((Button) findViewById(R.id.reconstruct)).setOnClickListener(v -> reconstruct());
        ((Button) findViewById(R.id.benchmark)).setOnClickListener(
                v -> startActivity(new Intent(this, BenchmarkActivity.class)));
        loadSample();
    }

    private void loadSample() {
        try (Reader r = new InputStreamReader(getAssets().open(SAMPLE), StandardCharsets.UTF_8)) {
            leadI = CsvLeadReader.read(r);
            rate.setText("500");
            source = "bundled synthetic sample";
            status.setText(String.format(Locale.ROOT, "Loaded %s: %d samples", source, leadI.length));
        } catch (Exception e) {
            showError("Could not read the bundled sample", e);
        }
    }

    private void pickCsv() {
        Intent intent = new Intent(Intent.ACTION_OPEN_DOCUMENT).addCategory(Intent.CATEGORY_OPENABLE).setType("*/*");
        startActivityForResult(intent, PICK_CSV);
    }

    @Override
    protected void onActivityResult(int requestCode, int resultCode, Intent data) {
        super.onActivityResult(requestCode, resultCode, data);
        if (requestCode != PICK_CSV || resultCode != RESULT_OK || data == null) return;
        Uri uri = data.getData();
        try (Reader r = new InputStreamReader(getContentResolver().openInputStream(uri), StandardCharsets.UTF_8)) {
            leadI = CsvLeadReader.read(r);
            source = uri.getLastPathSegment();
            status.setText(String.format(Locale.ROOT, "Loaded %s: %d samples; check the sampling rate, then reconstruct",
                    source, leadI.length));
        } catch (Exception e) {
            leadI = null;
            showError("Could not read that file", e);
        }
    }

    private void reconstruct() {
        if (leadI == null) {
            status.setText("Load the sample or a CSV first.");
            return;
        }
        final double fs;
        try {
            fs = Double.parseDouble(rate.getText().toString().trim());
            if (!(fs >= 50 && fs <= 10000)) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            status.setText("Sampling rate must be a number of Hz between 50 and 10000 (e.g. 500).");
            return;
        }
        if (modelName == null) {
            status.setText("No model bundled: run android_demo/prepare_assets.sh and rebuild.");
            return;
        }
        final double[] input = leadI;
        final String name = modelName;
        status.setText("Reconstructing with " + name + "…");
        worker.execute(() -> {
            try (ModelRunner model = new ModelRunner(this, name, 2)) {
                if (model.preprocessor == null) {  // the unet1d presets: whole recording, mV in and out
                    Unet1dReconstructor reconstructor = new Unet1dReconstructor(model, model.unet1dSos);
                    QualityGate.Result[] quality = reconstructor.quality(input, fs);
                    int refused = 0, flagged = 0;
                    String firstReason = "";
                    for (QualityGate.Result q : quality) {
                        if (q.ok) continue;
                        if (q.refuses) refused++; else flagged++;
                        if (firstReason.isEmpty()) firstReason = q.reason;
                    }
                    if (refused == quality.length) {
                        throw new SignalException("no window of Lead I passes the quality gate: " + firstReason);
                    }
                    final String gate = refused + flagged == 0 ? "quality ok"
                            : String.format(Locale.ROOT, "quality: %d of %d windows refused, %d flagged (%s)",
                            refused, quality.length, flagged, firstReason);
                    long t0 = System.nanoTime();
                    double[][] leads = reconstructor.reconstruct(input, fs);
                    long nanos = System.nanoTime() - t0;
                    double[][][] band = model.intervals == null ? null          // Lead I is the input
                            : model.intervals.bounds(leads, fs, Leads.knownExactly(new String[] {"I"}), BAND_COVERAGE);
                    final String bandText = band == null ? "no band (model without intervals.json)"
                            : String.format(Locale.ROOT, "shaded: %.0f %% band", BAND_COVERAGE * 100);
                    ui.post(() -> {
                        plot.setLeads(leads, fs);
                        plot.setBand(band == null ? null : band[0], band == null ? null : band[1]);
                        status.setText(String.format(Locale.ROOT, "%s | %.1f ms for %.1f s (incl. preprocessing) | mV | %s | %s | %s",
                                model.description, nanos / 1e6, input.length / fs, gate, bandText, source));
                    });
                    return;
                }
                EkganPreprocessor pre = model.preprocessor;
                double[] at500 = org.ecgtf.core.Resampler.resample(input, fs, EkganPreprocessor.FS);
                if (at500.length < EkganPreprocessor.N_KEEP) {
                    throw new SignalException(String.format(Locale.ROOT,
                            "recording is %.2f s; need at least 8.192 s of Lead I", input.length / fs));
                }
                StreamingReconstructor stream = new StreamingReconstructor(model, pre, 2048);
                long t0 = System.nanoTime();
                double[][] first = stream.push(at500);
                double[][] rest = stream.flush();
                long nanos = System.nanoTime() - t0;
                int n = first[0].length + rest[0].length;
                double scale = pre.normalization() == EkganPreprocessor.Normalization.FIXED ? pre.fixedScaleMv() : 1.0;
                double[][] leads = new double[12][n];
                for (int k = 0; k < 12; k++) {
                    for (int i = 0; i < first[k].length; i++) leads[k][i] = first[k][i] * scale;
                    for (int i = 0; i < rest[k].length; i++) leads[k][first[k].length + i] = rest[k][i] * scale;
                }
                long windows = stream.windowsProcessed();
                String units = pre.normalization() == EkganPreprocessor.Normalization.FIXED ? "mV" : "normalised units";
                ui.post(() -> {
                    plot.setLeads(leads, EkganPreprocessor.FS / EkganPreprocessor.FACTOR);
                    plot.setBand(null, null);
                    status.setText(String.format(Locale.ROOT, "%s | %d windows, %.1f ms per window (incl. preprocessing) | %s, %.1f s of %s",
                            model.description, windows, nanos / 1e6 / windows, units, n / 62.5, source));
                });
            } catch (Exception e) {
                ui.post(() -> showError("Reconstruction failed", e));
            }
        });
    }

    private void showError(String what, Exception e) {
        String detail = e instanceof SignalException ? e.getMessage()
                : e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
        status.setText(what + ": " + detail);
    }

    @Override
    protected void onDestroy() {
        worker.shutdownNow();
        super.onDestroy();
    }
}
