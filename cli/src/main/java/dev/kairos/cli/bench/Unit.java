package dev.kairos.cli.bench;

import dev.kairos.cli.Sizes;
import java.util.Locale;

/**
 * What a figure measures and how it is printed: its label, whether more is better (for the
 * comparison with Realm and for targets), and its number style.
 */
record Unit(String label, boolean higherIsBetter, Style style) {

    /** How numbers of a unit are printed in the table; JSON always carries the raw value. */
    enum Style {
        /** With an SI prefix: 3.62 M, 512 k. */
        SI,
        /** Three decimals: 0.352. */
        DECIMAL,
        /** Bytes in binary units: 1.3 MiB. */
        BYTES,
        /** One decimal and a percent sign: 87.5 %. */
        PERCENT
    }

    static final Unit MICROS_PER_EVENT = new Unit("µs/event", false, Style.DECIMAL);
    static final Unit GB_PER_S = new Unit("GB/s", true, Style.DECIMAL);
    static final Unit BYTES = new Unit("bytes", false, Style.BYTES);
    static final Unit PERCENT = new Unit("%", true, Style.PERCENT);
    static final Unit INSTANCES = new Unit("instances", false, Style.DECIMAL);

    /** A rate: {@code what} per second, more is better. */
    static Unit rate(String what) {
        return new Unit(what + "/s", true, Style.SI);
    }

    String format(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        return switch (style) {
            case SI -> si(value);
            case DECIMAL -> String.format(Locale.ROOT, "%.3f", value);
            case BYTES -> Sizes.human(Math.round(value));
            case PERCENT -> String.format(Locale.ROOT, "%.1f %%", value);
        };
    }

    private static String si(double value) {
        double magnitude = Math.abs(value);
        if (magnitude >= 1e9) {
            return String.format(Locale.ROOT, "%.2f G", value / 1e9);
        }
        if (magnitude >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", value / 1e6);
        }
        if (magnitude >= 1e3) {
            return String.format(Locale.ROOT, "%.1f k", value / 1e3);
        }
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
