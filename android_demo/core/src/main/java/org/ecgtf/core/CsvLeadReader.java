package org.ecgtf.core;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads Lead I from a CSV: one value per row (mV), or several columns with a header naming the
 * Lead I column ("I", "lead_i", "lead I"; case-insensitive). Lines starting with '#' are comments.
 * {@link #readLeads} reads every lead a header names (a 6-lead device's I and II, a chest lead…).
 */
public final class CsvLeadReader {
    private static final Pattern BAND_COLUMN = Pattern.compile("(?i).*_(lo|hi)(_.*)?$");
    private static final Pattern LEAD_PREFIX = Pattern.compile("(?i)^lead[\\s_-]*");
    private static final Pattern NAME_END = Pattern.compile("[\\s_(\\[]");

    private CsvLeadReader() {
    }

    /** Leads read from a CSV: canonical names and their samples (one row per lead, mV). */
    public static final class Recording {
        public final String[] names;
        public final double[][] signals;

        Recording(String[] names, double[][] signals) {
            this.names = names;
            this.signals = signals;
        }
    }

    /**
     * Every lead of a CSV (mV): a header naming the leads ("I,II", "lead_I_mV,V2 (mV)"; columns naming no lead, such as
     * a time column or ecgtf's band bounds "II_lo_mV", are skipped), or without a header one column (Lead I) or 12
     * (I … V6 in canonical order). As ecgtf.io.read_leads; a lead named twice, a row of the wrong width or a
     * non-number is refused with its line.
     */
    public static Recording readLeads(Reader source) throws IOException {
        List<double[]> rows = new ArrayList<>();
        int[] columns = null;
        String[] names = null;
        int width = -1;
        for (Line row : lines(source)) {
            int lineNo = row.number;
            String[] cells = row.cells;
            if (width < 0) {
                width = cells.length;
                if (!allNumbers(cells)) {                       // a header: which columns name which leads
                    List<Integer> cols = new ArrayList<>();
                    List<String> found = new ArrayList<>();
                    for (int c = 0; c < cells.length; c++) {
                        int k = leadOfHeader(cells[c]);
                        if (k < 0) continue;
                        if (found.contains(Leads.NAMES[k])) {
                            throw new SignalException("header " + String.join(",", cells) + ": lead " + Leads.NAMES[k]
                                    + " is named twice");
                        }
                        cols.add(c);
                        found.add(Leads.NAMES[k]);
                    }
                    if (cols.isEmpty()) {
                        throw new SignalException("header " + String.join(",", cells) + " names no lead (expected "
                                + "columns such as I, II, V2 or lead_I_mV)");
                    }
                    columns = cols.stream().mapToInt(Integer::intValue).toArray();
                    names = found.toArray(new String[0]);
                    continue;
                }
                if (width == 1 || width == 12) {
                    columns = new int[width];
                    for (int c = 0; c < width; c++) columns[c] = c;
                    names = width == 1 ? new String[] {"I"} : Leads.NAMES.clone();
                } else {
                    throw new SignalException("line " + lineNo + ": " + width + " unnamed columns; expected one (Lead I), "
                            + "12 (I … V6) or a header naming the leads");
                }
            }
            if (cells.length != width) {
                throw new SignalException("line " + lineNo + ": " + cells.length + " columns, expected " + width);
            }
            double[] values = new double[columns.length];
            for (int j = 0; j < columns.length; j++) {
                String cell = cells[columns[j]].trim();
                try {
                    values[j] = Double.parseDouble(cell);
                } catch (NumberFormatException e) {
                    throw new SignalException("line " + lineNo + ": '" + cell + "' is not a number (expected lead "
                            + names[j] + " in mV)");
                }
            }
            rows.add(values);
        }
        if (rows.isEmpty()) throw new SignalException("the file has no samples (expected one row per sample, mV)");
        double[][] signals = new double[names.length][rows.size()];
        for (int i = 0; i < rows.size(); i++) for (int j = 0; j < names.length; j++) signals[j][i] = rows.get(i)[j];
        return new Recording(names, signals);
    }

    /** A data or header line: its number in the file and its cells (comma, semicolon or tab separated). */
    private static final class Line {
        final int number;
        final String[] cells;

        Line(int number, String[] cells) {
            this.number = number;
            this.cells = cells;
        }
    }

    /** The lines that are not blank and not comments ('#'). */
    private static List<Line> lines(Reader source) throws IOException {
        List<Line> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(source)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                line = line.trim();
                if (!line.isEmpty() && !line.startsWith("#")) out.add(new Line(number, line.split("[,;\\t]")));
            }
        }
        return out;
    }

    /** The lead a column header names ("II", "lead II", "Lead_II", "II_mV", "II (mV)"), or -1 (also for band bounds). */
    static int leadOfHeader(String header) {
        String name = header.trim().replace("\"", "");
        if (BAND_COLUMN.matcher(name).matches()) return -1;
        String text = LEAD_PREFIX.matcher(name).replaceFirst("").trim();
        return Leads.indexOrMinus1(NAME_END.split(text, 2)[0]);
    }

    private static boolean allNumbers(String[] cells) {
        for (String c : cells) {
            try {
                Double.parseDouble(c.trim());
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    public static double[] read(Reader source) throws IOException {
        List<Double> values = new ArrayList<>();
        int column = -1;
        for (Line row : lines(source)) {
            int lineNo = row.number;
            String[] cells = row.cells;
            if (column < 0) {
                column = headerColumn(cells);
                if (column >= 0) continue;          // it was a header
                if (cells.length > 1) {
                    throw new SignalException("line " + lineNo + ": " + cells.length + " columns but no header "
                            + "naming the Lead I column (expected a header with 'I' or 'lead_i')");
                }
                column = 0;
            }
            if (column >= cells.length) {
                throw new SignalException("line " + lineNo + ": has " + cells.length + " columns, expected at least "
                        + (column + 1));
            }
            try {
                values.add(Double.parseDouble(cells[column].trim()));
            } catch (NumberFormatException e) {
                throw new SignalException("line " + lineNo + ": '" + cells[column].trim()
                        + "' is not a number (expected Lead I in mV)");
            }
        }
        if (values.isEmpty()) {
            throw new SignalException("the file has no samples (expected one Lead I value in mV per line)");
        }
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) out[i] = values.get(i);
        return out;
    }

    private static int headerColumn(String[] cells) {
        boolean anyText = false;
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i].trim().toLowerCase(Locale.ROOT).replace("\"", "");
            if (c.equals("i") || c.equals("lead_i") || c.equals("lead i") || c.equals("leadi")) return i;
            try {
                Double.parseDouble(c);
            } catch (NumberFormatException e) {
                anyText = true;
            }
        }
        if (anyText) {
            throw new SignalException("header " + String.join(",", cells) + " has no Lead I column (expected 'I' or 'lead_i')");
        }
        return -1;
    }
}
