package dev.kairos.bench;

import dev.kairos.Event;
import dev.kairos.Kairos;
import dev.kairos.Memory;
import dev.kairos.MemoryKind;
import dev.kairos.RegionInstance;
import dev.kairos.tutorials.DeferredAllocation;
import dev.kairos.tutorials.DeferredAllocation.Batch;
import dev.kairos.tutorials.VerificationException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The tutorial's writer and reader loops through {@code AffineAccessor}s, in both layouts, over a
 * cache-sized batch (1 MiB of fields, Realm's default) and a memory-sized one (64 MiB); and, as the
 * yardstick, plain loops and bulk operations over a segment of the same payload size. Run on the
 * benchmark thread, not as tasks. Divide the payload ({@code batchBytes} rounded to whole 24-byte
 * points) by the time per operation for bytes per second.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class AccessorBenchmarks {

    @State(Scope.Benchmark)
    public static class Instance {
        @Param({"aos", "soa"})
        public String layout;

        @Param({"1048576", "67108864"})
        public long batchBytes;

        Kairos kairos;
        RegionInstance instance;
        Batch batch;

        @Setup(Level.Trial)
        public void create() {
            kairos = KairosState.startRuntime();
            Memory sys = kairos.machine().memories().kind(MemoryKind.SYSTEM).first().orElseThrow();
            var bounds = DeferredAllocation.bounds(batchBytes);
            instance = RegionInstance.create(sys, bounds, DeferredAllocation.FIELD_SIZES, layout.equals("aos") ? 1 : 0,
                    Event.NO_EVENT);
            instance.ready().await();
            batch = new Batch(0, instance, bounds);
            DeferredAllocation.write(batch);
        }

        @TearDown(Level.Trial)
        public void destroy() {
            instance.destroy().await();
            kairos.close();
        }
    }

    /** The tutorial's writer: four stores per point through the two fields' accessors. */
    @Benchmark
    public void tutorialWrite(Instance i) {
        DeferredAllocation.write(i.batch);
    }

    /** The tutorial's reader: four loads and two comparisons per point. */
    @Benchmark
    public void tutorialVerify(Instance i) throws VerificationException {
        DeferredAllocation.verify(i.batch);
    }

    /** Plain segments of the payload size (24 bytes per point), outside Kairos. */
    @State(Scope.Benchmark)
    public static class Plain {
        @Param({"1048576", "67108864"})
        public long batchBytes;

        Arena arena;
        MemorySegment source;
        MemorySegment destination;

        @Setup(Level.Trial)
        public void allocate() {
            long bytes = 24 * DeferredAllocation.bounds(batchBytes).volume();
            arena = Arena.ofShared();
            source = arena.allocate(bytes, 64);
            destination = arena.allocate(bytes, 64);
        }

        @TearDown(Level.Trial)
        public void free() {
            arena.close();
        }
    }

    /** One long store per 8 bytes, a loop the JIT can vectorize: the write bandwidth a Java loop reaches. */
    @Benchmark
    public void plainLongWrite(Plain p) {
        MemorySegment s = p.destination;
        long n = s.byteSize() & ~7L;
        for (long o = 0; o < n; o += 8) {
            s.set(ValueLayout.JAVA_LONG, o, o);
        }
    }

    /** One long load per 8 bytes, summed: the read bandwidth a Java loop reaches. */
    @Benchmark
    public long plainLongSum(Plain p) {
        MemorySegment s = p.source;
        long n = s.byteSize() & ~7L;
        long sum = 0;
        for (long o = 0; o < n; o += 8) {
            sum += s.get(ValueLayout.JAVA_LONG, o);
        }
        return sum;
    }

    /** MemorySegment.fill: the JDK's bulk write. */
    @Benchmark
    public void bulkFill(Plain p) {
        p.destination.fill((byte) 1);
    }

    /** MemorySegment.copy: the bandwidth benchmark's yardstick (read + write). */
    @Benchmark
    public void bulkCopy(Plain p) {
        MemorySegment.copy(p.source, 0, p.destination, 0, p.source.byteSize());
    }
}
