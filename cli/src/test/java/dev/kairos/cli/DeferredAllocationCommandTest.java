package dev.kairos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code kairos run deferred-allocation}: what it prints and the exit codes. */
class DeferredAllocationCommandTest {

    @Test
    void theDefaultRunVerifiesRealmsTwoBatchesAndPrintsItsPlanAndSummary() {
        Cli r = Cli.run("run", "deferred-allocation", "--cuda", "off");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("processor   proc:cpu0 (CPU)", "memory      mem:sys (SYSTEM",
                "one instance of 1 398 112 bytes", "43 691 points, AoS", "batches verified  2 / 2",
                "bytes written", "elapsed", "batches/s", "peak memory use   1 398 112 bytes", "= 1.00 x one instance");
    }

    @Test
    void aThousandBatchesRunInAMemoryOfExactlyOneInstance() {
        Cli r = Cli.run("run", "deferred-allocation", "--sysmem", "1398112", "--batches", "1000", "--cuda", "off");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("batches verified  1 000 / 1 000", "peak memory use   1 398 112 bytes");
    }

    @Test
    void eagerCreationInTheDefaultMemoryPeaksAtEveryBatch() {
        Cli r = Cli.run("run", "deferred-allocation", "--eager", "--batches", "100", "--cuda", "off");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("eager", "peak memory use   139 811 200 bytes", "= 100.00 x one instance");
    }

    @Test
    void eagerCreationInOneInstanceCompletesAndSaysHowManyWaitedForARelease() {
        Cli r = Cli.run("run", "deferred-allocation", "--eager", "--batches", "20", "--sysmem", "1398112", "--cuda", "off");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("batches verified  20 / 20", "20, of which 19 waited for a release");
    }

    @Test
    void withoutPressureDeferralTheEagerLoopFailsAtBatchTwoWithTheOutOfMemoryMessage() {
        Cli r = Cli.run("run", "deferred-allocation", "--eager", "--no-pressure-deferral", "--sysmem", "1398112",
                "--batches", "5", "--cuda", "off");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("batches verified  1 / 5", "batches failed    1 (first: batch 2:",
                "out of memory", "mem:sys", "capacity=1398112", "batches cancelled 3");
    }

    @Test
    void compareEagerPrintsBothPeaksSideBySide() {
        Cli r = Cli.run("run", "deferred-allocation", "--compare-eager", "--batches", "10", "--cuda", "off");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Peak memory use, deferred vs eager", "deferred  1 398 112 bytes",
                "eager     13 981 120 bytes");
    }

    @Test
    void structsOfArraysAndOtherBatchSizesWork() {
        Cli r = Cli.run("run", "deferred-allocation", "--layout", "soa", "--batch-bytes", "64K", "--batches", "3", "--cuda", "off");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("SoA (block size 0)", "2 731 points", "batches verified  3 / 3");
    }

    @Test
    void verifyOnCpuChecksACopyOfEachBatchInSystemMemory() {
        Cli r = Cli.run("run", "deferred-allocation", "--verify-on", "cpu", "--batches", "20", "--cuda", "off");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("verified on proc:cpu0 over a copy in mem:sys", "batches verified  20 / 20");
    }

    @Test
    void badOptionsGetAOneLineErrorAndWhereTheUsageIsWithExitCodeTwo() {
        for (String[] args : new String[][] {
            {"run", "deferred-allocation", "--batches", "many"},
            {"run", "deferred-allocation", "--sysmem", "12Q"},
            {"run", "deferred-allocation", "--layout", "diagonal"},
            {"run", "deferred-allocation", "--processor", "tpu"},
            {"run", "deferred-allocation", "--batches", "-1"},
            {"run", "deferred-allocation", "--no-such-option"},
            {"run", "deferred-allocation", "--verify-on", "gpu"},
            {"run", "deferred-allocation", "--cpus", "0"},
        }) {
            Cli r = Cli.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", args)).doesNotContain("Usage:")
                    .endsWith("see `kairos run deferred-allocation --help`" + System.lineSeparator());
            assertThat(r.err().lines().findFirst().orElseThrow()).as(String.join(" ", args)).startsWith("kairos: ");
            assertThat(r.err().lines().count()).as(String.join(" ", args)).isLessThanOrEqualTo(4); // error, suggestions, pointer
        }
    }

    @Test
    void cpusFarAboveTheCoresAreRefusedWithTheLimitUnlessItIsRaised() {
        int limit = 4 * Runtime.getRuntime().availableProcessors();
        Cli refused = Cli.run("run", "deferred-allocation", "--cpus", "100000", "--cuda", "off");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("--cpus=100000", "limit of " + limit, "--max-cpus");
        Cli raised = Cli.run("run", "deferred-allocation", "--cpus", String.valueOf(limit + 1), "--max-cpus",
                String.valueOf(limit + 1), "--batches", "2", "--cuda", "off");
        assertThat(raised.exitCode()).as(raised.err()).isZero();
    }

    @Test
    void anInstanceLargerThanTheMemoryIsABadOptionNamingBothSizes() {
        Cli r = Cli.run("run", "deferred-allocation", "--sysmem", "1M", "--cuda", "off");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("1 398 112 bytes", "1 048 576 bytes", "raise --sysmem");
        assertThat(r.out()).as("checked before the start: no plan printed").isEmpty();
    }

    @Test
    void aBatchNoMemoryCanHoldIsABadOptionWithItsLimit() {
        Cli r = Cli.run("run", "deferred-allocation", "--batch-bytes", "8388607T", "--cuda", "off");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--batch-bytes=8388607T is above the limit of 4 611 686 018 427 387 904 bytes");
    }

    @Test
    void processorAutoRunsOnAGpuWhenThereIsOneAndOtherwiseOnTheCpuSayingWhy() {
        Cli r = Cli.run("run", "deferred-allocation", "--processor", "auto");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("batches verified  2 / 2");
        if (r.out().contains("(GPU)")) {
            assertThat(r.out()).contains("memory      mem:gpu", "(GPU_FB");
        } else {
            assertThat(r.out()).contains("processor   proc:cpu0 (CPU); auto found no GPU: CUDA: unavailable — ",
                    "memory      mem:sys (SYSTEM");
        }
    }

    @Test
    void processorAutoWithCudaOffSaysCudaIsOffNotThatNoGpuWasFound() {
        Cli r = Cli.run("run", "deferred-allocation", "--processor", "auto", "--cuda", "off");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("processor   proc:cpu0 (CPU); auto: CUDA is off (--cuda off)").doesNotContain("found no GPU");
    }

    @Test
    void askingForAGpuWithoutOneSaysWhy() {
        Cli r = Cli.run("run", "deferred-allocation", "--processor", "gpu");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("no GPU processor", "CUDA");
    }
}
