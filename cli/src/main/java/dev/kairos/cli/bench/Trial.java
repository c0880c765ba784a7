package dev.kairos.cli.bench;

/** One run of a benchmark case: returns one value per metric of the case, in the case's order. */
@FunctionalInterface
interface Trial {
    double[] run() throws Exception;
}
