package org.ecgtf.core;

/** Bad input to the signal pipeline; the message says what was wrong and what was expected. */
public class SignalException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public SignalException(String message) {
        super(message);
    }
}
