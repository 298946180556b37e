package org.ecgtf.core;

/**
 * A model from one window of a signal to one window (same length): the denoiser's TFLite model on a phone.
 * Each call must be independent: a TFLite model with LSTMs keeps their state between invocations, so an
 * implementation calls {@code Interpreter.resetVariableTensors()} before running each window.
 */
public interface WindowModel {
    float[] run(float[] window);
}
