package org.ecgtf.core;

/**
 * An any-leads model (an ecgtf any-leads preset's TFLite file, input {@code leads_in}): 12 × 512 prepared leads in
 * mV in canonical order, a row of zeros for each lead that was not recorded (Lead I, row 0, always recorded)
 * → 12 × 512 leads in mV.
 */
public interface MultiLeadModel {
    float[][] run(float[][] leads);
}
