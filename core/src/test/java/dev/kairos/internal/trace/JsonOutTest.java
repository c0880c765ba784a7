package dev.kairos.internal.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The trace's JSON writer: text a JSON parser reads back exactly, through a buffer of fixed size. */
class JsonOutTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final JsonOut out = new JsonOut(bytes);

    private String written() {
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void stringsAreEscapedSoThatAParserReadsBackEveryCharacter() {
        String nasty = "quote \" backslash \\ newline \n tab \t bell \u0007 é 中 😀 end";
        out.string(nasty);
        assertThat(JsonMapper.builder().build().readTree(written()).asString()).isEqualTo(nasty);
    }

    @Test
    void aLoneSurrogateBecomesTheReplacementCharacterSoTheTextStaysValid() {
        out.string("a\uD800b");
        assertThat(JsonMapper.builder().build().readTree(written()).asString()).isEqualTo("a\uFFFDb");
    }

    @Test
    void numbersAndMicrosecondsWithNanosecondDecimals() {
        out.number(0).raw(' ').number(-17).raw(' ').number(Long.MAX_VALUE).raw(' ').number(Long.MIN_VALUE).raw(' ')
                .micros(0).raw(' ').micros(999).raw(' ').micros(1_234_567).raw(' ').micros(5_000_007);
        assertThat(written()).isEqualTo("0 -17 9223372036854775807 -9223372036854775808 0.000 0.999 1234.567 5000.007");
    }

    @Test
    void aNegativeTimestampIsABug() {
        assertThatThrownBy(() -> out.micros(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nanos=-1");
    }

    @Test
    void textLongerThanTheBufferGoesOutAsTheBufferFills() {
        String text = "x".repeat(3 * JsonOut.BUFFER_BYTES + 5);
        out.raw(text);
        assertThat(bytes.size()).isEqualTo(3 * JsonOut.BUFFER_BYTES); // written before any flush
        assertThat(written()).isEqualTo(text);
    }

    @Test
    void theFirstFailedWriteIsKeptAndLaterWritesAreDropped() {
        IOException full = new IOException("No space left on device");
        int[] writes = new int[1];
        JsonOut failing = new JsonOut(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw full;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                writes[0]++;
                throw full;
            }
        });
        failing.raw("x".repeat(JsonOut.BUFFER_BYTES + 1));
        failing.raw("y".repeat(JsonOut.BUFFER_BYTES + 1));
        failing.close();
        assertThat(failing.failure()).isSameAs(full);
        assertThat(writes[0]).isEqualTo(1);
    }
}
