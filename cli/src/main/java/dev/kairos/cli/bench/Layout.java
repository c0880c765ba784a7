package dev.kairos.cli.bench;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** An instance layout on the command line: aos (block size 1, Realm's tutorial) or soa (block size 0). */
enum Layout {
    AOS(1),
    SOA(0);

    final int blockSize;

    Layout(int blockSize) {
        this.blockSize = blockSize;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    static final class Converter implements ITypeConverter<Layout> {
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
