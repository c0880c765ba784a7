package dev.kairos.cli.bench;

import picocli.CommandLine.Option;

/** How often each benchmark case runs, and whether to print the JSON line. */
final class BenchOptions {
    @Option(names = "--warmup", paramLabel = "N",
            description = "Runs of each case before measuring, discarded: they let the JIT compile the paths measured. Default: ${DEFAULT-VALUE}.")
    int warmup = 3;

    @Option(names = "--warmup-time", paramLabel = "SECONDS",
            description = "Keep warming up each case until this much time has passed, however many runs that takes: the JIT "
                    + "compiles a short case's paths only after several runs. Default: ${DEFAULT-VALUE}.")
    double warmupSeconds = 1.0;

    @Option(names = "--repeats", paramLabel = "N",
            description = "Measured runs of each case; the table shows their median and min-max. Default: ${DEFAULT-VALUE}.")
    int repeats = 5;

    @Option(names = "--json",
            description = "After the table, print one line of JSON with the same figures, every sample, the parameters and the machine.")
    boolean json;
}
