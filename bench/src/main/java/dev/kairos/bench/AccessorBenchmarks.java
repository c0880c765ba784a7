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
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
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

    /**
     * One long load from the source and one long store to the destination per 8 bytes, in one loop:
     * what a Java loop with ordinary stores reaches when its reads and writes overlap, as a copy's do.
     */
    @Benchmark
    public void plainLongCopyLoop(Plain p) {
        MemorySegment from = p.source;
        MemorySegment to = p.destination;
        long n = from.byteSize() & ~7L;
        for (long o = 0; o < n; o += 8) {
            to.set(ValueLayout.JAVA_LONG, o, from.get(ValueLayout.JAVA_LONG, o));
        }
    }

    /** The C library's {@code memcpy}, called through FFM. */
    private static final MethodHandle MEMCPY = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("memcpy").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));

    /** A source of up to 16 MiB for {@link #libcMemcpyChunks}, read again and again, so that it stays in the L3. */
    @State(Scope.Benchmark)
    public static class Chunk {
        static final long MAX = 16L << 20;

        Arena arena;
        MemorySegment source;

        @Setup(Level.Trial)
        public void allocate(Plain p) {
            arena = Arena.ofShared();
            source = arena.allocate(Math.min(MAX, p.destination.byteSize()), 64);
            source.fill((byte) 1);
        }

        @TearDown(Level.Trial)
        public void free() {
            arena.close();
        }
    }

    /**
     * The destination written by glibc's {@code memcpy} from one cached source, a chunk of up to 16
     * MiB at a time: at or above glibc's non-temporal threshold ({@code ld.so --list-tunables}:
     * {@code glibc.cpu.x86_non_temporal_threshold}, 14.8 MiB on the machine measured) the write
     * bandwidth of non-temporal stores, the stores a copy of that size uses.
     */
    @Benchmark
    public void libcMemcpyChunks(Plain p, Chunk c) throws Throwable {
        MemorySegment to = p.destination;
        long chunk = c.source.byteSize();
        for (long o = 0; o + chunk <= to.byteSize(); o += chunk) {
            MemorySegment unused = (MemorySegment) MEMCPY.invokeExact(to.asSlice(o, chunk), c.source, chunk);
        }
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
