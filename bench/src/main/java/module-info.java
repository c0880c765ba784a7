/**
 * JMH micro-benchmarks. Those of the event graph and the allocator measure internals, which
 * kairos-core exports to this module alone; the rest use the public API. They run from the shaded
 * jar on the class path ({@code java -jar bench/target/kairos-bench.jar}); this descriptor makes
 * the compiler hold them to what core exports to them.
 */
module dev.kairos.bench {
    requires dev.kairos.core;
    requires dev.kairos.tutorials;
    requires jmh.core;

    // JMH's generated harness instantiates the @State classes and calls the benchmarks reflectively.
    opens dev.kairos.bench to jmh.core;
}
