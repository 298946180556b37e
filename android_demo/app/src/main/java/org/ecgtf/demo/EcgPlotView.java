package org.ecgtf.demo;

import android.content.Context;
import android.graphics.Canvas;
import android.graphics.Color;
import android.graphics.Paint;
import android.graphics.Path;
import android.util.AttributeSet;
import android.util.TypedValue;
import android.view.View;

/**
 * 12 leads in the standard paper layout (3 × 4 + lead II rhythm strip) at 25 mm/s and 10 mm/mV
 * on a millimetre grid, drawn at the screen's physical density. Data: 12 × n samples in mV, and optionally each
 * lead's band (lower, upper: 12 × n mV, org.ecgtf.core.Intervals) shaded lightly behind its trace.
 */
public final class EcgPlotView extends View {
    private static final String[] NAMES = {"I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"};
    private static final int[][] LAYOUT = {{0, 3, 6, 9}, {1, 4, 7, 10}, {2, 5, 8, 11}};
    private final Paint minor = new Paint(), major = new Paint(), trace = new Paint(), label = new Paint(),
            shade = new Paint();
    private final float pxPerMm;
    private double[][] leads;
    private double[][] lower, upper;
    private double fs = 62.5;

    public EcgPlotView(Context context, AttributeSet attrs) {
        super(context, attrs);
        pxPerMm = TypedValue.applyDimension(TypedValue.COMPLEX_UNIT_MM, 1, getResources().getDisplayMetrics());
        minor.setColor(Color.rgb(246, 201, 201));
        major.setColor(Color.rgb(229, 142, 142));
        major.setStrokeWidth(2f);
        trace.setColor(Color.BLACK);
        trace.setStrokeWidth(2.5f);
        trace.setStyle(Paint.Style.STROKE);
        trace.setAntiAlias(true);
        shade.setColor(Color.argb(70, 31, 119, 180));
        shade.setStyle(Paint.Style.FILL);
        shade.setAntiAlias(true);
        label.setColor(Color.BLACK);
        label.setTextSize(4 * pxPerMm);
    }

    public void setLeads(double[][] leadsMv, double samplingRateHz) {
        this.leads = leadsMv;
        this.fs = samplingRateHz;
        requestLayout();
        invalidate();
    }

    /** Each lead's band (12 × n mV, like the leads), or nulls for none. */
    public void setBand(double[][] lowerMv, double[][] upperMv) {
        this.lower = lowerMv;
        this.upper = upperMv;
        invalidate();
    }

    private float seconds() {
        return leads == null ? 10f : (float) (leads[0].length / fs);
    }

    @Override
    protected void onMeasure(int widthSpec, int heightSpec) {
        int w = (int) (seconds() * 25 * pxPerMm) + 2;
        int h = (int) (4 * 30 * pxPerMm) + 2;
        setMeasuredDimension(w, resolveSize(h, heightSpec));
    }

    @Override
    protected void onDraw(Canvas c) {
        float w = getWidth(), h = getHeight();
        for (int i = 0; i * pxPerMm <= w; i++) c.drawLine(i * pxPerMm, 0, i * pxPerMm, h, i % 5 == 0 ? major : minor);
        for (int i = 0; i * pxPerMm <= h; i++) c.drawLine(0, i * pxPerMm, w, i * pxPerMm, i % 5 == 0 ? major : minor);
        if (leads == null) return;
        int n = leads[0].length;
        float colSeconds = seconds() / 4f;
        float rowMm = 30f;
        for (int r = 0; r < 3; r++) {
            for (int col = 0; col < 4; col++) {
                int lead = LAYOUT[r][col];
                int from = (int) (col * colSeconds * fs), to = Math.min(n, (int) ((col + 1) * colSeconds * fs));
                drawBand(c, lead, from, to, (r + 0.5f) * rowMm);
                drawTrace(c, leads[lead], from, to, (r + 0.5f) * rowMm);
                c.drawText(NAMES[lead], (float) (from / fs * 25 * pxPerMm) + 4, (r * rowMm + 6) * pxPerMm, label);
            }
        }
        drawBand(c, 1, 0, n, 3.5f * rowMm);
        drawTrace(c, leads[1], 0, n, 3.5f * rowMm);
        c.drawText("II", 4, (3 * rowMm + 6) * pxPerMm, label);
    }

    /** The band of {@code lead}: the upper bound left to right, the lower bound back, filled. */
    private void drawBand(Canvas c, int lead, int from, int to, float baselineMm) {
        if (lower == null || upper == null || to <= from) return;
        Path p = new Path();
        for (int i = from; i < to; i++) {
            float px = (float) (i / fs * 25 * pxPerMm), py = (float) ((baselineMm - upper[lead][i] * 10) * pxPerMm);
            if (i == from) p.moveTo(px, py); else p.lineTo(px, py);
        }
        for (int i = to - 1; i >= from; i--) {
            p.lineTo((float) (i / fs * 25 * pxPerMm), (float) ((baselineMm - lower[lead][i] * 10) * pxPerMm));
        }
        p.close();
        c.drawPath(p, shade);
    }

    private void drawTrace(Canvas c, double[] x, int from, int to, float baselineMm) {
        Path p = new Path();
        for (int i = from; i < to; i++) {
            float px = (float) (i / fs * 25 * pxPerMm);
            float py = (float) ((baselineMm - x[i] * 10) * pxPerMm);
            if (i == from) p.moveTo(px, py); else p.lineTo(px, py);
        }
        c.drawPath(p, trace);
    }
}
