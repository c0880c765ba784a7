package dev.kairos.tutorials;

/** The reader found a value the writer did not write: names the batch (counted from 1), field, point, expected and found. */
public final class VerificationException extends Exception {
    private static final long serialVersionUID = 1L;

    private final long batch;
    private final int fieldId;
    private final long point;

    public VerificationException(long batch, int fieldId, long point, String expected, String found) {
        super("batch " + batch + ", field " + fieldId + ", point " + point + ": expected " + expected + ", found " + found);
        this.batch = batch;
        this.fieldId = fieldId;
        this.point = point;
    }

    public long batch() {
        return batch;
    }

    public int fieldId() {
        return fieldId;
    }

    public long point() {
        return point;
    }
}
