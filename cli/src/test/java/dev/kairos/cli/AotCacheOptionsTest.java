package dev.kairos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The AOT cache's two sets of JIT options go together (cli/aot-cache.sh says why): every training
 * keeps C2's invocation thresholds out of reach, and every command that uses the cache runs with the
 * report frequencies that training is for. They are written in five files; this holds them in step.
 */
class AotCacheOptionsTest {

    private static final String TRAINING = "-XX:Tier4InvocationThreshold=100000 -XX:Tier4MinInvocationThreshold=100000"
            + " -XX:Tier4CompileThreshold=200000";
    private static final String RUN = "-XX:Tier2InvokeNotifyFreqLog=5 -XX:Tier2BackedgeNotifyFreqLog=20";

    /** The file's text with its line continuations joined and runs of blanks made one. */
    private static String flat(String path) throws IOException {
        return Files.readString(Path.of(path)).replaceAll("\\\\\\n", " ").replaceAll("[ \\t]+", " ");
    }

    @Test
    void bothTrainingsKeepC2sInvocationThresholdsOutOfReach() throws IOException {
        assertThat(flat("aot-cache.sh")).contains("train_jit=\"" + TRAINING + "\"").contains("$train_jit -cp");
        assertThat(flat("../docker/Containerfile")).contains(TRAINING + " -XX:AOTCacheOutput=");
    }

    @Test
    void everyLauncherThatPassesTheCachePassesTheReportFrequenciesWithIt() throws IOException {
        for (String launcher : List.of("../kairos", "../gpu-bundle/src/bundle/kairos", "../docker/kairos")) {
            String text = flat(launcher);
            assertThat(text).as(launcher).containsOnlyOnce("-XX:AOTCache=");
            assertThat(text.substring(text.indexOf("-XX:AOTCache="))).as(launcher).containsPattern("^-XX:AOTCache=\\S+ " + RUN);
        }
    }
}
