package org.ecgtf.core;

/** A model from one window of a signal to one window (same length): the denoiser's TFLite model on a phone. */
public interface WindowModel {
    float[] run(float[] window);
}
