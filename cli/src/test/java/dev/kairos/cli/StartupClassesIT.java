package dev.kairos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * After {@code package}: the tutorial's command, in a JVM of its own, generates no class at run time
 * to read its arguments. A dynamic proxy is what reading an annotation costs (one class per
 * annotation type, generated then, which no AOT cache holds): the run path's models are built in
 * code ({@link Specs}), and one annotation read on the way would bring proxies back.
 */
class StartupClassesIT {

    @Test
    void theTutorialsCommandLoadsNoDynamicProxy() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xlog:class+load=info", "-jar", Path.of("target", "kairos.jar").toString(),
                "run", "deferred-allocation", "--cpus", "1", "--batches", "1", "--cuda", "off");
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> lines = new String(process.getInputStream().readAllBytes()).lines().toList();
        assertThat(process.waitFor()).as("%s", command).isZero();
        assertThat(lines).as("the class-load log").anyMatch(line -> line.contains("dev.kairos.cli.DeferredAllocationCommand "))
                .noneMatch(line -> line.contains("source: __dynamic_proxy__"));
    }
}
