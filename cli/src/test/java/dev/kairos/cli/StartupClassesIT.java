package dev.kairos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * After {@code package}: the tutorial's command, in a JVM of its own, generates no class at run time
 * to read its arguments. A dynamic proxy is what reading an annotation costs (one class per
 * annotation type, generated then, which no AOT cache holds): the run path's models are built in
 * code ({@link Specs}), and one annotation read on the way would bring proxies back. And it names
 * its logging binding instead of having SLF4J search the class path for one ({@link Main#bindLogging}),
 * without a word about it.
 */
class StartupClassesIT {

    @Test
    void theTutorialsCommandLoadsNoDynamicProxy() throws Exception {
        assertThat(linesOfARun(false, "-Xlog:class+load=info")).as("the class-load log")
                .anyMatch(line -> line.contains("dev.kairos.cli.DeferredAllocationCommand "))
                .noneMatch(line -> line.contains("source: __dynamic_proxy__"));
    }

    @Test
    void theTutorialsCommandNamesItsLoggingBindingWithoutAWord() throws Exception {
        assertThat(linesOfARun(true)).as("standard error of a run").noneMatch(line -> line.startsWith("SLF4J"));
        // SLF4J says at INFO that it loads a named binding; a class-path search says nothing there.
        assertThat(linesOfARun(true, "-Dslf4j.internal.verbosity=INFO")).as("standard error of a run, SLF4J at INFO")
                .anyMatch(line -> line.startsWith("SLF4J(I): Attempting to load provider \"org.slf4j.simple.SimpleServiceProvider\""));
    }

    /**
     * What a one-batch run of the tutorial's command, in a JVM of its own with {@code jvmOptions},
     * writes to standard error, or to standard output; the other stream is thrown away.
     */
    private static List<String> linesOfARun(boolean standardError, String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-jar", Path.of("target", "kairos.jar").toString(),
                "run", "deferred-allocation", "--cpus", "1", "--batches", "1", "--cuda", "off"));
        ProcessBuilder builder = new ProcessBuilder(command);
        if (standardError) {
            builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        } else {
            builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        Process process = builder.start();
        List<String> lines = new String((standardError ? process.getErrorStream() : process.getInputStream()).readAllBytes())
                .lines().toList();
        assertThat(process.waitFor()).as("%s", command).isZero();
        return lines;
    }
}
