package dev.kairos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The runtime options every command that starts a runtime shares: bad values are usage errors, told before any work. */
class RuntimeOptionsTest {

    private static void assertUsageError(Cli r, String firstLine) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("kairos: " + firstLine).doesNotContain("Exception", "\tat ");
    }

    @Test
    void maxCpusBelowOneIsRefusedForWhatItIs() {
        for (String max : List.of("0", "-3")) {
            assertUsageError(Cli.run("run", "deferred-allocation", "--max-cpus", max, "--cuda", "off"), "--max-cpus=" + max + " must be >= 1");
            assertUsageError(Cli.run("bench", "tasks", "--max-cpus", max, "--cuda", "off"), "--max-cpus=" + max + " must be >= 1");
        }
    }

    @Test
    void sysmemAboveThePhysicalMemoryIsRefusedNamingBothInReadableUnits() {
        long physical = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        String human = Sizes.human(physical);
        assertUsageError(Cli.run("run", "deferred-allocation", "--sysmem", "4096T", "--cuda", "off"),
                "--sysmem=4096T (4.0 PiB) is more than this machine's physical memory (" + human + ", or its container's limit); lower --sysmem");
        String justAbove = String.valueOf(physical + 1);
        assertUsageError(Cli.run("bench", "tasks", "--sysmem", justAbove, "--cuda", "off"),
                "--sysmem=" + justAbove + " (" + Sizes.human(physical + 1) + ") is more than this machine's physical memory (" + human);
    }

    @Test
    void zcmemAboveThePhysicalMemoryIsRefusedBeforeCudaTriesToPinIt() {
        long physical = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        String justAbove = String.valueOf(physical + 1);
        assertUsageError(Cli.run("run", "deferred-allocation", "--zcmem", justAbove),
                "--zcmem=" + justAbove + " (" + Sizes.human(physical + 1) + ") is more than this machine's physical memory ("
                        + Sizes.human(physical) + ", or its container's limit); lower --zcmem");
        assertUsageError(Cli.run("bench", "bandwidth", "--zcmem", "4096T", "--cuda", "off"),
                "--zcmem=4096T (4.0 PiB) is more than this machine's physical memory");
    }
}
