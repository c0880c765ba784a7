package dev.kairos.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KernelsTest {

    private static final Pattern ENTRY = Pattern.compile("^\\.visible \\.entry (\\w+)\\(", Pattern.MULTILINE);

    static Stream<String> modules() {
        return Kernels.modules().stream().sorted();
    }

    @Test
    void indexes_the_tutorial_fill_and_copy_modules() {
        assertThat(Kernels.modules()).containsExactlyInAnyOrder(Kernels.TUTORIAL, Kernels.FILL, Kernels.COPY);
        assertThat(Kernels.functions(Kernels.TUTORIAL)).containsExactly(Kernels.UPDATE_INT_FLOAT,
                Kernels.UPDATE_LONG_DOUBLE, Kernels.VERIFY_INT_FLOAT, Kernels.VERIFY_LONG_DOUBLE);
        assertThat(Kernels.functions(Kernels.FILL)).containsExactly(Kernels.FILL_FIELD);
        assertThat(Kernels.functions(Kernels.COPY)).containsExactly(Kernels.COPY_FIELD);
    }

    @ParameterizedTest
    @MethodSource("modules")
    void packaged_ptx_has_an_entry_for_each_named_kernel_and_no_other(String module) {
        assertThat(entries(Kernels.ptx(module))).containsExactlyInAnyOrderElementsOf(Kernels.functions(module));
    }

    @ParameterizedTest
    @MethodSource("modules")
    void packaged_ptx_targets_the_compute_75_virtual_architecture_in_64_bits(String module) {
        assertThat(Kernels.ptx(module)).contains("\n.target sm_75\n", "\n.address_size 64\n");
    }

    @ParameterizedTest
    @MethodSource("modules")
    void ptx_image_is_the_ptx_followed_by_one_terminating_nul(String module) {
        byte[] ptx = Kernels.ptx(module).getBytes(StandardCharsets.US_ASCII);
        byte[] image = Kernels.ptxImage(module);

        assertThat(image).hasSize(ptx.length + 1).endsWith((byte) 0);
        assertThat(Arrays.copyOf(image, ptx.length)).isEqualTo(ptx).doesNotContain((byte) 0);
    }

    @Test
    void ptx_image_is_a_fresh_array_on_each_call() {
        byte[] first = Kernels.ptxImage(Kernels.FILL);
        Arrays.fill(first, (byte) 'x');

        assertThat(Kernels.ptxImage(Kernels.FILL)).isNotEqualTo(first);
    }

    @Test
    void unknown_module_is_rejected_with_the_known_ones() {
        assertThatIllegalArgumentException().isThrownBy(() -> Kernels.ptxImage("saxpy"))
                .withMessage("unknown kernel module: module=saxpy known=[copy, fill, tutorial]");
        assertThatIllegalArgumentException().isThrownBy(() -> Kernels.ptx("saxpy"));
        assertThatIllegalArgumentException().isThrownBy(() -> Kernels.functions("saxpy"));
    }

    @Test
    void missing_resource_names_the_resource_and_how_to_regenerate_it() {
        assertThatIllegalStateException().isThrownBy(() -> Kernels.resource("saxpy.ptx"))
                .withMessageContaining("resource=dev/kairos/kernels/saxpy.ptx")
                .withMessageContaining("kernels/build-ptx.sh");
    }

    private static Stream<String> entries(String ptx) {
        return ENTRY.matcher(ptx).results().map(m -> m.group(1));
    }
}
