package dev.kairos.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.stream.Stream;

/**
 * Where a benchmark ran: figures from different machines or JDKs must never be compared. The load
 * average at the start (NaN where the system does not say) tells whether other work shared the
 * machine.
 */
record Environment(String cpu, int cores, String jdk, String os, LocalDate date, double loadAverage) {

    static Environment current() {
        return new Environment(cpuModel(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + Runtime.version(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"), LocalDate.now(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** The first {@code model name} of /proc/cpuinfo, or the architecture where there is none. */
    private static String cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try (Stream<String> lines = Files.lines(cpuinfo)) {
                return lines.filter(l -> l.startsWith("model name"))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim())
                        .findFirst()
                        .orElse(System.getProperty("os.arch"));
            } catch (IOException | java.io.UncheckedIOException e) {
                return System.getProperty("os.arch");
            }
        }
        return System.getProperty("os.arch");
    }
}
