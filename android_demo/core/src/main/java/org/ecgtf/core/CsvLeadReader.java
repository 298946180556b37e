package org.ecgtf.core;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads Lead I from a CSV: one value per row (mV), or several columns with a header naming the
 * Lead I column ("I", "lead_i", "lead I"; case-insensitive). Lines starting with '#' are comments.
 */
public final class CsvLeadReader {
    private CsvLeadReader() {
    }

    public static double[] read(Reader source) throws IOException {
        List<Double> values = new ArrayList<>();
        int column = -1;
        int lineNo = 0;
        try (BufferedReader in = new BufferedReader(source)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                line = line.trim();
                if (line.isEmpty() || line.startsWith("#")) continue;
                String[] cells = line.split("[,;\\t]");
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
