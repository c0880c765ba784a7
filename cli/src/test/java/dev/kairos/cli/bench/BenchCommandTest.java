package dev.kairos.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.kairos.KairosConfig;
import dev.kairos.cli.Main;
import dev.kairos.cuda.CudaBackend;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

/**
 * A smoke run of every benchmark with tiny parameters: it runs, prints its table and ends with a
 * JSON line that parses and carries the same rows. Figures are never checked: tests do not time.
 */
class BenchCommandTest {
    /** Small runtimes and one warm-up: the whole class stays well under 20 s on 2 cores. */
    private static final String[] SMALL = {"--warmup", "1", "--warmup-time", "0", "--repeats", "2", "--json", "--sysmem", "64M", "--cuda", "off"};

    private record Run(int exitCode, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> json() {
            List<String> lines = lines();
            return (Map<String, Object>) JsonReader.parse(lines.getLast());
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows() {
            return (List<Map<String, Object>>) json().get("rows");
        }
    }

    private static Run bench(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("bench"));
        all.addAll(List.of(args));
        all.addAll(List.of(SMALL));
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    private static void assertTableAndJson(Run run, String benchmark, String... cases) {
        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
        assertThat(run.out()).startsWith("kairos bench " + benchmark + ": ").contains("median", "min - max", "vs Realm", "target");
        Map<String, Object> json = run.json();
        assertThat(json).containsEntry("benchmark", benchmark).containsKeys("environment", "parameters", "rows");
        assertThat(run.rows()).extracting(r -> r.get("case")).contains((Object[]) cases);
        for (Map<String, Object> row : run.rows()) {
            assertThat(row).containsKeys("metric", "unit", "median", "min", "max", "samples");
            assertThat((List<?>) row.get("samples")).hasSize(2);
            String tableLine = "  " + row.get("case");
            assertThat(run.lines()).anySatisfy(l -> assertThat(l).startsWith(tableLine).contains((String) row.get("metric")));
        }
    }

    @Test
    void tasksRunsGatedChainedAndUngated() {
        assertTableAndJson(bench("tasks", "--tasks", "2000"), "tasks", "gated", "chained", "ungated");
    }

    /** Figures from different GPUs or drivers must not be compared: the JSON says which the runtime found, or why none. */
    @Test
    void theJsonNamesWhatCudaFoundAndTheTableNamesTheGpusWhenThereAreAny() {
        Run run = bench("tasks", "--tasks", "500");
        @SuppressWarnings("unchecked")
        Map<String, Object> environment = (Map<String, Object>) run.json().get("environment");
        @SuppressWarnings("unchecked")
        Map<String, Object> cuda = (Map<String, Object>) environment.get("cuda");
        assertThat(cuda).containsOnlyKeys("available", "detail");
        String detail = (String) cuda.get("detail");
        assertThat(detail).isNotBlank();
        if ((Boolean) cuda.get("available")) {
            assertThat(run.lines()).contains("  CUDA: " + detail);
            assertThat(detail).containsPattern("GPUs?: gpu\\d+ .*; driver for CUDA \\d+\\.\\d+$");
        } else {
            assertThat(run.lines()).noneMatch(l -> l.startsWith("  CUDA: "));
        }
    }

    @Test
    void tasksShowsRealmsFigureOnlyForTheShapesRealmMeasured() {
        Run run = bench("tasks", "--tasks", "10000");
        assertThat(run.rows()).filteredOn(r -> r.get("case").equals("gated")).allSatisfy(r -> assertThat(r).containsKey("realm"));
        Run other = bench("tasks", "--tasks", "500");
        assertThat(other.rows()).allSatisfy(r -> assertThat(r).doesNotContainKey("realm"));
    }

    @Test
    void eventsFanRunsTheDagAndTheFan() {
        Run run = bench("events-fan", "--levels", "3", "--tracks", "2", "--fanout", "4", "--samples", "3", "--sample-events", "16");
        assertTableAndJson(run, "events-fan", "dag", "fan");
        assertThat(run.out()).contains("dag counts 26 events");
    }

    @Test
    void eventsFanRefusesAFanoutOfOne() {
        Run run = bench("events-fan", "--fanout", "1");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--fanout=1 must be >= 2");
    }

    @Test
    void eventsFanRefusesADagOfMoreEventsThanTheLimitBeforePrintingAnything() {
        Run run = bench("events-fan", "--tracks", "50000", "--fanout", "50000", "--levels", "1");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("kairos: --tracks=50000 x --levels=1 x --fanout=50000 = 2 500 000 000 events per run")
                .contains("above the limit of 10 000 000").doesNotContain("Exception", "\tat ");
        Run cubed = bench("events-fan", "--tracks", "100000", "--fanout", "100000", "--levels", "100000");
        assertThat(cubed.exitCode()).isEqualTo(2);
        assertThat(cubed.err()).contains("= 1 000 000 000 000 000 events per run", "above the limit of 10 000 000");
    }

    @Test
    void eventsFanRefusesADagOfMoreMergeInputsThanTheLimit() {
        Run run = bench("events-fan", "--tracks", "1", "--levels", "1000", "--fanout", "1000");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("--tracks=1", "--levels=1000", "--fanout=1000", "999 002 000 waiter notifications per run",
                "above the limit of 100 000 000");
    }

    @Test
    void eventsFanRefusesAFanOfMoreEventsThanTheLimit() {
        Run run = bench("events-fan", "--samples", "100000", "--sample-events", "100000");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("--samples=100000 x (--sample-events=100000 + 2) = 10 000 200 000 events per run",
                "above the limit of 10 000 000");
    }

    @Test
    void aNegativeWarmUpTimeIsRefused() {
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "bench", "tasks", "--warmup-time", "-1");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--warmup-time=-1 must be from 0 to 3600 seconds");
    }

    @Test
    void aTraceThatCannotBeWrittenIsRefusedBeforeAnyWorkAndOneThatFailsFailsTheBenchmark() {
        Run missing = bench("tasks", "--tasks", "500", "--trace", "/nonexistent/t.json");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err()).startsWith("kairos: --trace /nonexistent/t.json: no such directory /nonexistent");

        Run full = bench("tasks", "--tasks", "500", "--trace", "/dev/full");
        assertThat(full.exitCode()).as(full.err()).isEqualTo(1);
        assertThat(full.out()).as("the table is still printed").contains("gated");
        assertThat(full.err()).contains("kairos: the trace /dev/full failed, incomplete: No space left on device");
    }

    @Test
    void runCountsAboveTheLimitAreRefusedBeforeAnyWork() {
        for (List<String> args : List.of(List.of("--repeats", "2147483647"), List.of("--warmup", "100001"), List.of("--repeats", "0"))) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            List<String> all = new ArrayList<>(List.of("bench", "tasks"));
            all.addAll(args);
            int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
            assertThat(code).as("%s", args).isEqualTo(2);
            assertThat(out.toString()).as("%s", args).isEmpty();
            assertThat(err.toString()).as("%s", args).startsWith("kairos: " + args.get(0) + "=" + args.get(1) + " must be from "
                    + (args.get(0).equals("--warmup") ? "0" : "1") + " to 100 000");
        }
    }

    @Test
    void aWarmUpTimeThatIsNotFiniteOrAboveAnHourIsRefused() {
        for (String seconds : List.of("Infinity", "NaN", "1e10", "3600.5")) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "bench", "tasks", "--warmup-time", seconds);
            assertThat(code).as(seconds).isEqualTo(2);
            assertThat(out.toString()).as(seconds).isEmpty();
            assertThat(err.toString()).as(seconds).startsWith("kairos: --warmup-time=" + seconds + " must be from 0 to 3600 seconds");
        }
    }

    @Test
    void eventsLatencyBuildsByTasksAndByThread() {
        assertTableAndJson(bench("events-latency", "--depth", "32"), "events-latency", "tasks", "thread");
    }

    @Test
    void allocRunsEmptyAndOneCasePerLiveCountAndPerWaitingCount() {
        assertTableAndJson(bench("alloc", "--ops", "500", "--live", "10,100", "--waiting", "10,100"), "alloc", "empty",
                "live=10", "live=100", "pressure=10", "pressure=100");
    }

    @Test
    void allocRefusesALiveSetThatCannotFit() {
        Run run = bench("alloc", "--live", "100000", "--max-bytes", "4K");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--live=100000", "100 001 x (4 096 + 63) bytes = 415 904 159 bytes (396.6 MiB)",
                "> --sysmem=67 108 864 bytes (64.0 MiB)", "raise --sysmem or lower --max-bytes");
    }

    @Test
    void allocRefusesALiveOrWaitingCountBelowOneWithoutSizeArithmetic() {
        for (String count : List.of("0", "-1")) {
            Run live = bench("alloc", "--live", "10," + count);
            assertThat(live.exitCode()).isEqualTo(2);
            assertThat(live.err()).startsWith("kairos: --live=" + count + " must be >= 1" + System.lineSeparator());
            Run waiting = bench("alloc", "--live", "10", "--waiting", count);
            assertThat(waiting.exitCode()).isEqualTo(2);
            assertThat(waiting.err()).startsWith("kairos: --waiting=" + count + " must be >= 1" + System.lineSeparator());
        }
    }

    @Test
    void allocRefusesAnInstanceLargerThanTheMemory() {
        Run run = bench("alloc", "--max-bytes", "1G", "--live", "1");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--max-bytes=1 073 741 824 bytes (1.0 GiB) is more than --sysmem=67 108 864 bytes (64.0 MiB)");
    }

    @Test
    void allocRefusesAWaitingCountThatLeavesNoRoomNamingTheSizes() {
        Run run = bench("alloc", "--live", "10", "--waiting", "1048576");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--waiting=1048576", "1 048 576 x 64 bytes = 67 108 864 bytes", "--sysmem=67 108 864 bytes",
                "raise --sysmem or lower --waiting");
    }

    @Test
    void pipelineRunsDeferredAndEagerAndTheirRatio() {
        Run run = bench("pipeline", "--batches", "6", "--batch-bytes", "64K");
        assertTableAndJson(run, "pipeline", "deferred", "eager", "deferred/eager");
        assertThat(run.rows()).filteredOn(r -> r.get("case").equals("deferred") && r.get("unit").equals("instances"))
                .singleElement().satisfies(r -> assertThat(r).containsKey("target"));
    }

    @Test
    void bandwidthRunsEachLayoutAgainstTheCopy() {
        assertTableAndJson(bench("bandwidth", "--batch-bytes", "1M"), "bandwidth", "aos", "soa");
    }

    @Test
    void bandwidthOnAGpuSaysWhyThereIsNone() {
        Run run = bench("bandwidth", "--batch-bytes", "1M", "--processor", "gpu");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("--processor gpu: no GPU processor: CUDA: unavailable — disabled by configuration (cuda=off)");
    }

    @Test
    void bandwidthHoldsEachCpuKernelToEightyPercentOfThePlainPassOverTheSameBytes() {
        Run run = bench("bandwidth", "--batch-bytes", "1M", "--layout", "aos,soa");
        for (String ratio : List.of("writer / fill", "reader / read", "writer+reader / copy", "writer+reader / fill+read")) {
            assertThat(run.rows()).filteredOn(r -> r.get("metric").equals(ratio)).hasSize(2).allSatisfy(r -> assertThat(r.get("target"))
                    .asInstanceOf(InstanceOfAssertFactories.MAP).containsEntry("atLeast", 80.0));
        }
        assertThat(run.rows()).filteredOn(r -> r.get("metric").equals("fill+read / copy")).hasSize(2)
                .allSatisfy(r -> assertThat(r).doesNotContainKey("target"));
        // 43 691 points: AoS moves 32 bytes a point (8 of them padding), SoA 24 (and the alignment of its second array).
        assertThat(run.out()).contains("bytes moved per pass: aos 1 398 112 bytes", "soa 1 048 624 bytes",
                "times by the host's clock around each task's spawn and await");
    }

    @Test
    void pipelineRefusesABatchLargerThanItsMemoryBeforePrintingAnything() {
        Run run = bench("pipeline", "--batch-bytes", "1G");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("kairos: --batch-bytes=1G: one batch's instance, in aos, takes 1 431 655 776 bytes (1.3 GiB), "
                + "more than --sysmem=67 108 864 bytes (64.0 MiB); raise --sysmem or lower --batch-bytes");
    }

    @Test
    void aBatchAboveTheLargestMemoryIsRefusedWithTheLimit() {
        for (String benchmark : List.of("pipeline", "bandwidth")) {
            Run run = bench(benchmark, "--batch-bytes", "8388607T");
            assertThat(run.exitCode()).as(benchmark).isEqualTo(2);
            assertThat(run.out()).as(benchmark).isEmpty();
            assertThat(run.err()).as(benchmark).startsWith("kairos: --batch-bytes=8388607T is above the limit of "
                    + "4 611 686 018 427 387 904 bytes (4.0 EiB): one batch is one instance, and no memory holds more");
        }
    }

    @Test
    void whereTheInstanceMayGoToEitherMemoryItMustFitInOneAndTheMessageNamesBoth() {
        Run run = bench("pipeline", "--processor", "auto", "--batch-bytes", "100M", "--fbmem", "64M");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        // SMALL turns CUDA off: then only SYSTEM memory is possible.
        assertThat(run.err()).contains("more than --sysmem=67 108 864 bytes (64.0 MiB); raise --sysmem or lower --batch-bytes");
        List<String> args = new ArrayList<>(List.of("bench", "pipeline", "--processor", "auto", "--batch-bytes", "100M",
                "--sysmem", "64M", "--fbmem", "64M", "--cuda", "auto"));
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args.toArray(String[]::new));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("more than --sysmem=67 108 864 bytes (64.0 MiB) and --fbmem=67 108 864 bytes (64.0 MiB) "
                + "(it goes to GPU_FB memory if there is a GPU, else to SYSTEM memory); raise --sysmem or --fbmem or lower --batch-bytes");
    }

    @Test
    void aBatchThatFitsOnlyTheMemoryTheRuntimeDidNotChooseIsRefusedNamingTheOptionToRaise() {
        assumeFalse(new CudaBackend().probe(KairosConfig.builder().build()).available(), "a GPU would take the batch: nothing to refuse");
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "bench", "pipeline",
                "--processor", "auto", "--batch-bytes", "100M", "--sysmem", "64M", "--cuda", "auto", "--warmup", "0", "--repeats", "1");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("one batch's instance (139 810 144 bytes (133.3 MiB)) does not fit in mem:sys (SYSTEM, "
                + "capacity 67 108 864 bytes (64.0 MiB)): raise --sysmem or lower --batch-bytes");
    }

    @Test
    void bandwidthSizesGpuMemoryToTheInstanceUnlessFbmemIsGiven() {
        Run sized = bench("bandwidth", "--processor", "gpu");
        assertThat(sized.out()).contains("fbmem=358612992"); // 341.3 MiB of AoS, in whole MiB
        assertThat(sized.err()).contains("--processor gpu: no GPU processor");
        Run given = bench("bandwidth", "--processor", "gpu", "--fbmem", "256M");
        assertThat(given.exitCode()).isEqualTo(2);
        assertThat(given.out()).isEmpty();
        assertThat(given.err()).startsWith("kairos: --batch-bytes (default 256.0 MiB): one batch's instance, in aos, takes 357 913 952 "
                + "bytes (341.3 MiB), more than --fbmem=268 435 456 bytes (256.0 MiB); raise --fbmem or lower --batch-bytes");
        Run onCpu = bench("bandwidth", "--batch-bytes", "1M");
        assertThat(onCpu.json()).extracting("parameters").asInstanceOf(InstanceOfAssertFactories.MAP).doesNotContainKey("fbmem");
    }

    @Test
    void bandwidthRefusesALayoutNamedTwice() {
        Run run = bench("bandwidth", "--batch-bytes", "1M", "--layout", "aos,soa,aos");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("kairos: --layout names aos twice");
    }

    @Test
    void listParametersAreJsonArrays() {
        Run bandwidth = bench("bandwidth", "--batch-bytes", "1M", "--layout", "soa");
        assertThat(bandwidth.json()).extracting("parameters").asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("layouts", List.of("soa"));
        Run alloc = bench("alloc", "--ops", "100", "--live", "10,20", "--waiting", "10");
        assertThat(alloc.json()).extracting("parameters").asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("live", List.of(10.0, 20.0)).containsEntry("waiting", List.of(10.0));
    }

    @Test
    void theTraceOptionSpeaksOfASecondRuntimeOnlyWhereThereIsOne() {
        for (String benchmark : List.of("tasks", "events-fan", "events-latency", "alloc", "bandwidth")) {
            assertThat(help("bench", benchmark, "--help")).as(benchmark).contains("--trace=FILE").doesNotContain("eager");
        }
        assertThat(help("bench", "pipeline", "--help").replaceAll("\\s+", " "))
                .contains("Where the eager loop runs on a second runtime, that one writes beside it", "t-eager.json");
    }

    @Test
    void aListOptionsLabelShowsItsSeparatorOnce() {
        assertThat(help("bench", "alloc", "--help")).contains("[--live=N[,N...]]...", "--waiting=N[,N...]").doesNotContain("[,N[,N");
    }

    @Test
    void helpFollowsAGroupToTheCommandNamedAfterIt() {
        assertThat(help("help", "bench", "tasks")).isEqualTo(help("bench", "tasks", "--help")).contains("Usage: kairos bench tasks");
        assertThat(help("bench", "help", "tasks")).isEqualTo(help("bench", "tasks", "--help"));
        assertThat(help("help", "bench")).isEqualTo(help("bench", "--help"));
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "help", "bench", "nope");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("kairos: Unknown subcommand 'nope'.");
    }

    @Test
    void helpSaysWhatAnInterruptDoes() {
        assertThat(help("bench", "--help").replaceAll("\\s+", " ")).contains("Interrupted (Ctrl-C, SIGTERM), a benchmark lets the run "
                + "in progress end, starts no further run", "exits 130 (SIGINT) or 143 (SIGTERM)");
        assertThat(help("bench", "tasks", "--help").replaceAll("\\s+", " ")).contains("\"interrupted\" is null unless Ctrl-C or SIGTERM");
    }

    private static String help(String... args) {
        StringWriter out = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), args);
        assertThat(code).as(String.join(" ", args)).isZero();
        return out.toString();
    }

    @Test
    void mainRegistersTheBenchCommand() {
        StringWriter out = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "bench", "tasks", "--help");
        assertThat(code).isZero();
        assertThat(out.toString()).contains("Usage: kairos bench tasks");
    }
}
