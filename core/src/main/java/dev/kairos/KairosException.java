package dev.kairos;

/**
 * The runtime could not do what was asked: an invalid configuration, a required backend that is not
 * usable, an operation on a closed runtime. Messages name what was asked and what the limit is.
 */
public class KairosException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KairosException(String message) {
        super(message);
    }

    public KairosException(String message, Throwable cause) {
        super(message, cause);
    }
}
