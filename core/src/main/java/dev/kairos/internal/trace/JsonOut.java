package dev.kairos.internal.trace;

import java.io.IOException;
import java.io.OutputStream;

/**
 * JSON text written straight into a fixed buffer of UTF-8 bytes that goes to the stream whenever it
 * fills: a trace of any length holds this one buffer. Keys and other constant text are ASCII and
 * written as they are; strings are quoted and escaped. The first write that fails is kept and every
 * later write is dropped, so a full disk costs the trace, never the run.
 *
 * <p>Not thread-safe: the tracer calls it under its lock.
 */
final class JsonOut {
    static final int BUFFER_BYTES = 1 << 16;
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final OutputStream sink;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private final byte[] digits = new byte[19]; // Long.MAX_VALUE has 19
    private int length;
    private IOException failure;

    JsonOut(OutputStream sink) {
        this.sink = sink;
    }

    /** ASCII text as it is: keys, punctuation, literals. */
    JsonOut raw(String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            put((byte) ascii.charAt(i));
        }
        return this;
    }

    JsonOut raw(char ascii) {
        put((byte) ascii);
        return this;
    }

    /** A quoted string, escaped as JSON requires, in UTF-8. */
    JsonOut string(String s) {
        put((byte) '"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                put((byte) '\\');
                put((byte) c);
            } else if (c < 0x20) {
                put((byte) '\\');
                put((byte) 'u');
                put((byte) '0');
                put((byte) '0');
                put(HEX[c >> 4]);
                put(HEX[c & 0xF]);
            } else if (c < 0x80) {
                put((byte) c);
            } else if (c < 0x800) {
                put((byte) (0xC0 | c >> 6));
                put((byte) (0x80 | c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                put((byte) (0xF0 | cp >> 18));
                put((byte) (0x80 | cp >> 12 & 0x3F));
                put((byte) (0x80 | cp >> 6 & 0x3F));
                put((byte) (0x80 | cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                raw("\\ufffd"); // a lone surrogate is not text: the replacement character keeps the JSON valid
            } else {
                put((byte) (0xE0 | c >> 12));
                put((byte) (0x80 | c >> 6 & 0x3F));
                put((byte) (0x80 | c & 0x3F));
            }
        }
        put((byte) '"');
        return this;
    }

    /** A whole number. */
    JsonOut number(long v) {
        if (v == Long.MIN_VALUE) {
            return raw(Long.toString(v));
        }
        if (v < 0) {
            put((byte) '-');
            v = -v;
        }
        // Digits from the last, by a constant divisor the JIT turns into a multiplication: a trace
        // writes several numbers per event, and this is most of the cost of writing one.
        int at = digits.length;
        do {
            digits[--at] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        while (at < digits.length) {
            put(digits[at++]);
        }
        return this;
    }

    /** Nanoseconds (at least 0) as microseconds with three decimals, the unit of the Trace Event Format. */
    JsonOut micros(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("a trace timestamp is never negative: nanos=" + nanos);
        }
        number(nanos / 1000);
        long fraction = nanos % 1000;
        put((byte) '.');
        put((byte) ('0' + fraction / 100));
        put((byte) ('0' + fraction / 10 % 10));
        put((byte) ('0' + fraction % 10));
        return this;
    }

    /** The first write that failed, or null. */
    IOException failure() {
        return failure;
    }

    /** Writes what is buffered to the stream. */
    void flush() {
        if (length > 0 && failure == null) {
            try {
                sink.write(buffer, 0, length);
                sink.flush();
            } catch (IOException e) {
                failure = e;
            }
        }
        length = 0;
    }

    /** Flushes and closes the stream. */
    void close() {
        flush();
        try {
            sink.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
    }

    private void put(byte b) {
        if (length == buffer.length) {
            drain();
        }
        buffer[length++] = b;
    }

    private void drain() {
        if (failure == null) {
            try {
                sink.write(buffer, 0, length);
            } catch (IOException e) {
                failure = e;
            }
        }
        length = 0;
    }
}
