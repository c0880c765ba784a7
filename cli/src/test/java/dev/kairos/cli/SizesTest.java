package dev.kairos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class SizesTest {

    @Test
    void sizesAreBytesOrNumbersWithBinarySuffixes() {
        assertThat(Sizes.parse("1398112")).isEqualTo(1_398_112);
        assertThat(Sizes.parse("512M")).isEqualTo(512L << 20);
        assertThat(Sizes.parse("1G")).isEqualTo(1L << 30);
        assertThat(Sizes.parse("64k")).isEqualTo(64L << 10);
        assertThat(Sizes.parse("2GiB")).isEqualTo(2L << 30);
        assertThat(Sizes.parse("1T")).isEqualTo(1L << 40);
    }

    @Test
    void anythingElseIsRefusedSayingWhatIsAccepted() {
        assertThatThrownBy(() -> Sizes.parse("12Q")).isInstanceOf(TypeConversionException.class).hasMessageContaining("512M");
        assertThatThrownBy(() -> Sizes.parse("-5")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> Sizes.parse("99999999999T")).isInstanceOf(TypeConversionException.class).hasMessageContaining("too large");
    }

    @Test
    void numbersPrintGroupedWithAHumanSize() {
        assertThat(Sizes.describe(1_398_112)).isEqualTo("1 398 112 bytes (1.3 MiB)");
        assertThat(Sizes.describe(100)).isEqualTo("100 bytes");
        assertThat(Sizes.human(4096L << 40)).isEqualTo("4.0 PiB");
        assertThat(Sizes.human(Long.MAX_VALUE)).isEqualTo("8.0 EiB");
    }
}
