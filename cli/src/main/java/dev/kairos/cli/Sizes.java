package dev.kairos.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Byte sizes on the command line: plain bytes, or a number with K, M, G or T (powers of 1024), e.g. 512M, 1G. */
public final class Sizes implements ITypeConverter<Long> {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMGT]?)(I?B)?", Pattern.CASE_INSENSITIVE);

    @Override
    public Long convert(String value) {
        return parse(value);
    }

    static long parse(String value) {
        Matcher m = SIZE.matcher(value.trim());
        if (!m.matches()) {
            throw new TypeConversionException("'" + value + "' is not a size: use bytes (1398112) or a number with K, M, G or T (512M, 1G)");
        }
        int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        try {
            long number = Long.parseLong(m.group(1));
            if (number > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return number << shift;
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is too large: the limit is " + Long.MAX_VALUE + " bytes");
        }
    }

    /** {@code 1 398 112 bytes (1.3 MiB)}. */
    public static String describe(long bytes) {
        return group(bytes) + " bytes" + (bytes >= 1024 ? " (" + human(bytes) + ")" : "");
    }

    /** {@code 1.3 MiB}. */
    public static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** Digits grouped by thousands with thin spaces: {@code 1 398 112}. */
    public static String group(long value) {
        return String.format(Locale.ROOT, "%,d", value).replace(',', ' ');
    }
}
