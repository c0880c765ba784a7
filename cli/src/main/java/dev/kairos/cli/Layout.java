package dev.kairos.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * An instance layout on the command line, {@code --layout aos|soa}: aos interleaves both fields per
 * point (block size 1, Realm's tutorial), soa gives each field its own array (block size 0).
 */
public enum Layout {
    AOS(1, "AoS (block size 1)"),
    SOA(0, "SoA (block size 0)");

    private final int blockSize;
    private final String description;

    Layout(int blockSize, String description) {
        this.blockSize = blockSize;
        this.description = description;
    }

    /** The block size {@code RegionInstance.create} takes: 1 for aos, 0 for soa. */
    public int blockSize() {
        return blockSize;
    }

    /** {@code AoS (block size 1)}. */
    public String description() {
        return description;
    }

    /** {@code aos} or {@code soa}, as on the command line. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** For picocli: aos or soa, in any case. */
    public static final class Converter implements ITypeConverter<Layout> {
        @Override
        public Layout convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "aos" -> AOS;
                case "soa" -> SOA;
                default -> throw new TypeConversionException("'" + value + "' is not a layout: use aos or soa");
            };
        }
    }
}
