package dev.kairos.cli.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code kairos bench}: the whole-runtime benchmarks, in the shapes of Realm's benchmarks of the same purpose. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {
            "Whole-runtime benchmarks in the shapes of Realm's benchmarks of the same purpose, in Realm's units, so the "
                    + "figures sit beside Realm's (measured on the project's 2-core machines, see docs/PERFORMANCE.md).",
            "",
            "Each benchmark warms up (JIT), repeats each case, and prints a table: median and min-max of the measured runs, "
                    + "Realm's figure and the ratio where the shape matches Realm's, and the target. --json adds one "
                    + "machine-readable line. Nothing is asserted: these are measurements, not tests. A benchmark machine is "
                    + "noisy: run several times and compare ratios taken in the same run, never figures from different machines.",
            ""
        },
        subcommands = {TasksBench.class, EventsFanBench.class, EventsLatencyBench.class, AllocBench.class,
            PipelineBench.class, BandwidthBench.class, CommandLine.HelpCommand.class})
public final class BenchCommand {}
