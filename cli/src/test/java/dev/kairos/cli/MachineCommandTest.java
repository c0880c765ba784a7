package dev.kairos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code kairos machine}: processors, memories, affinities and one line per backend. */
class MachineCommandTest {

    @Test
    void reportsCpuProcessorsSystemMemoryAndWhyCudaIsOff() {
        Cli r = Cli.run("machine", "--cpus", "2", "--sysmem", "64M");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Processors", "proc:cpu0      CPU", "proc:cpu1      CPU", "proc:util0     UTILITY",
                "Memories", "mem:sys        SYSTEM     67 108 864 bytes (64.0 MiB)",
                "Affinities", "proc:cpu0      -> mem:sys", "Backends", "CPU: 2 CPU processor(s)");
        assertThat(r.out()).containsPattern("CUDA: unavailable — .+");
    }

    @Test
    void requiredCudaWithoutAGpuFailsWithTheReason() {
        Cli r = Cli.run("machine", "--cuda", "required");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("kairos: ", "cuda");
    }

    @Test
    void helpAnswersWhatEachCommandDoes() {
        Cli top = Cli.run("--help");
        assertThat(top.exitCode()).isZero();
        assertThat(top.out()).contains("run", "machine", "Exit codes");
        Cli run = Cli.run("run", "deferred-allocation", "--help");
        assertThat(run.out()).contains("--batches", "--batch-bytes", "--layout", "--processor", "--memory", "--eager",
                "--compare-eager", "--no-pressure-deferral", "--sysmem");
    }
}
