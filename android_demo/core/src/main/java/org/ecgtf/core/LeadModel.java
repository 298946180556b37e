package org.ecgtf.core;

/** Anything that maps preprocessed Lead I (512 samples) to 12 leads (12 × 512): the TFLite model on a phone. */
public interface LeadModel {
    float[][] run(float[] leadI);
}
