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
import android.widget.CheckBox;
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
import org.ecgtf.core.Intervals;
import org.ecgtf.core.LeadModel;
import org.ecgtf.core.Leads;
import org.ecgtf.core.PersonalProfile;
import org.ecgtf.core.QualityGate;
import org.ecgtf.core.SignalException;
import org.ecgtf.core.StreamingReconstructor;
import org.ecgtf.core.Unet1dReconstructor;

/**
 * Lead I (or more leads) → 12 leads: load the bundled sample or a CSV (one Lead I value in mV per line, or a header
 * naming the recorded leads, e.g. "I,II" from a six-lead device, at the stated sampling rate), optionally a 12-lead
 * reference of the same person (a CSV with the 12 leads) to personalise, preprocess with the Java core, run the model
 * over the recording with overlapping windows, and plot the 12 leads with their bands. Errors are shown, never thrown.
 */
public final class MainActivity extends Activity {
    private static final int PICK_CSV = 1;
    private static final int PICK_REFERENCE = 2;
    /** The input-lead sets a personal profile fits heads for (as ecgtf.personal.HEAD_SETS). */
    private static final String[][] HEAD_SETS = {{"I"}, {"I", "II"}, {"I", "V2"}, {"I", "II", "V2"}};
    private static final String SAMPLE = "sample_lead_i_500hz.csv";
    /** Nominal coverage of the shaded band around each reconstructed lead. */
    private static final double BAND_COVERAGE = 0.8;
    private final ExecutorService worker = Executors.newSingleThreadExecutor();
    private final Handler ui = new Handler(Looper.getMainLooper());
    private TextView status;
    private EditText rate;
    private EcgPlotView plot;
    private double[][] signals;
    private String[] names;
    private String source = "";
    private double[][] reference;
    private double referenceFs;
    private CheckBox personal;
    private String modelName;

    @Override
    protected void onCreate(Bundle state) {
        super.onCreate(state);
        setContentView(R.layout.activity_main);
        status = findViewById(R.id.status);
        rate = findViewById(R.id.sampling_rate);
        plot = findViewById(R.id.plot);
        personal = findViewById(R.id.personal);
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
        ((Button) findViewById(R.id.pick_csv)).setOnClickListener(v -> pick(PICK_CSV));
        ((Button) findViewById(R.id.pick_reference)).setOnClickListener(v -> pick(PICK_REFERENCE));
        ((Button) findViewById(R.id.reconstruct)).setOnClickListener(v -> reconstruct());
        ((Button) findViewById(R.id.benchmark)).setOnClickListener(
                v -> startActivity(new Intent(this, BenchmarkActivity.class)));
        loadSample();
    }

    private void loadSample() {
        try (Reader r = new InputStreamReader(getAssets().open(SAMPLE), StandardCharsets.UTF_8)) {
            signals = new double[][] {CsvLeadReader.read(r)};
            names = new String[] {"I"};
            rate.setText("500");
            source = "bundled synthetic sample";
            status.setText(String.format(Locale.ROOT, "Loaded %s: Lead I, %d samples", source, signals[0].length));
        } catch (Exception e) {
            showError("Could not read the bundled sample", e);
        }
    }

    private void pick(int what) {
        Intent intent = new Intent(Intent.ACTION_OPEN_DOCUMENT).addCategory(Intent.CATEGORY_OPENABLE).setType("*/*");
        startActivityForResult(intent, what);
    }

    @Override
    protected void onActivityResult(int requestCode, int resultCode, Intent data) {
        super.onActivityResult(requestCode, resultCode, data);
        if ((requestCode != PICK_CSV && requestCode != PICK_REFERENCE) || resultCode != RESULT_OK || data == null) return;
        Uri uri = data.getData();
        try (Reader r = new InputStreamReader(getContentResolver().openInputStream(uri), StandardCharsets.UTF_8)) {
            CsvLeadReader.Recording recording = CsvLeadReader.readLeads(r);
            if (requestCode == PICK_REFERENCE) {
                if (recording.names.length != 12) {
                    throw new org.ecgtf.core.SignalException("a reference needs the 12 leads (a header naming I … V6, or "
                            + "12 columns in canonical order); this file has " + String.join(", ", recording.names));
                }
                double fs = samplingRate();
                if (recording.signals[0].length < PersonalProfile.MIN_REFERENCE_S * fs) {
                    throw new org.ecgtf.core.SignalException(String.format(Locale.ROOT, "the reference is %.1f s at %.0f Hz; "
                            + "at least %.0f s are needed", recording.signals[0].length / fs, fs, PersonalProfile.MIN_REFERENCE_S));
                }
                reference = recording.signals;
                referenceFs = fs;
                personal.setEnabled(true);
                personal.setChecked(true);
                status.setText(String.format(Locale.ROOT, "Reference %s: 12 leads, %.1f s at %.0f Hz; reconstructions are "
                        + "personalised while the box is ticked", uri.getLastPathSegment(), reference[0].length / fs, fs));
                return;
            }
            signals = recording.signals;
            names = recording.names;
            source = uri.getLastPathSegment();
            status.setText(String.format(Locale.ROOT, "Loaded %s: %s, %d samples; check the sampling rate, then reconstruct",
                    source, String.join("+", names), signals[0].length));
        } catch (Exception e) {
            if (requestCode == PICK_CSV) signals = null;
            showError("Could not read that file", e);
        }
    }

    /** The rate field in Hz; a clear error for anything but a number between 50 and 10000. */
    private double samplingRate() {
        try {
            double fs = Double.parseDouble(rate.getText().toString().trim());
            if (fs >= 50 && fs <= 10000) return fs;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new org.ecgtf.core.SignalException("sampling rate must be a number of Hz between 50 and 10000 (e.g. 500)");
    }

    /** Of {@link #HEAD_SETS}, the largest whose leads were all recorded (a Lead I model: Lead I). */
    private static String[] headInputs(String[] given, boolean anyLeads) {
        if (!anyLeads) return new String[] {"I"};
        java.util.List<String> keys = new java.util.ArrayList<>();
        for (String[] set : HEAD_SETS) keys.add(Leads.setKey(set));
        String best = Leads.bestSubset(keys, given);
        return best == null ? new String[] {"I"} : best.split("\\+");
    }

    private void reconstruct() {
        if (signals == null) {
            status.setText("Load the sample or a CSV first.");
            return;
        }
        final double fs;
        try {
            fs = samplingRate();
        } catch (org.ecgtf.core.SignalException e) {
            status.setText(e.getMessage());
            return;
        }
        if (modelName == null) {
            status.setText("No model bundled: run android_demo/prepare_assets.sh and rebuild.");
            return;
        }
        final double[][] input = signals;
        final String[] inputNames = names;
        final double[][] ref = personal.isChecked() ? reference : null;
        final double refFs = referenceFs;
        final String name = modelName;
        status.setText("Reconstructing with " + name + "…");
        worker.execute(() -> {
            try (ModelRunner model = new ModelRunner(this, name, 2)) {
                if (model.preprocessor == null) {  // the unet1d presets: whole recording, mV in and out
                    boolean anyLeads = model.anyLeads() != null;
                    String[] used = anyLeads ? inputNames : new String[] {"I"};
                    double[][] usedSignals = anyLeads ? input : new double[][] {leadI(input, inputNames)};
                    Unet1dReconstructor reconstructor = anyLeads
                            ? new Unet1dReconstructor(model.anyLeads(), model.unet1dSos, null)
                            : new Unet1dReconstructor(model, model.unet1dSos);
                    String personalText = "generic";
                    if (ref != null) {   // the head of these input leads, fitted on the reference, behind the network
                        String[] head = headInputs(used, anyLeads);
                        PersonalProfile profile = PersonalProfile.fit(reconstructor, ref, refFs, head);
                        reconstructor = anyLeads
                                ? new Unet1dReconstructor(profile.behind(model.anyLeads()), model.unet1dSos, null)
                                : new Unet1dReconstructor(profile.behindLeadI((LeadModel) model), model.unet1dSos);
                        personalText = "personal (head " + String.join("+", head) + ")";
                    }
                    QualityGate.Result[] quality = reconstructor.quality(leadI(input, inputNames), fs);
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
                    double[][] leads = reconstructor.reconstruct(usedSignals, used, fs);
                    long nanos = System.nanoTime() - t0;
                    Intervals calibration = model.intervalsFor(used, ref != null);
                    double[][][] band = calibration == null ? null
                            : calibration.bounds(leads, fs, Leads.knownExactly(used), BAND_COVERAGE);
                    final String bandText = band == null ? "no band (model without intervals.json)"
                            : String.format(Locale.ROOT, "shaded: %.0f %% band", BAND_COVERAGE * 100);
                    final String inputText = "from " + String.join("+", used) + (used.length < inputNames.length
                            ? " (this model takes Lead I only)" : "") + ", " + personalText;
                    ui.post(() -> {
                        plot.setLeads(leads, fs);
                        plot.setBand(band == null ? null : band[0], band == null ? null : band[1]);
                        status.setText(String.format(Locale.ROOT, "%s | %s | %.1f ms for %.1f s (incl. preprocessing) | mV | %s | %s | %s",
                                model.description, inputText, nanos / 1e6, input[0].length / fs, gate, bandText, source));
                    });
                    return;
                }
                EkganPreprocessor pre = model.preprocessor;
                double[] at500 = org.ecgtf.core.Resampler.resample(leadI(input, inputNames), fs, EkganPreprocessor.FS);
                if (at500.length < EkganPreprocessor.N_KEEP) {
                    throw new SignalException(String.format(Locale.ROOT,
                            "recording is %.2f s; need at least 8.192 s of Lead I", input[0].length / fs));
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

    /** The recording's Lead I (from two limb leads when Lead I itself was not recorded). */
    private static double[] leadI(double[][] signals, String[] names) {
        double[] lead = Leads.known(signals, names)[0];
        if (lead == null) {
            throw new org.ecgtf.core.SignalException("leads " + String.join(",", names) + ": Lead I is needed, or two limb "
                    + "leads it follows from");
        }
        return lead;
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
