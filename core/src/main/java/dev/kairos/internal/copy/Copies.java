package dev.kairos.internal.copy;

import dev.kairos.CopyField;
import dev.kairos.Event;
import dev.kairos.FieldLayout;
import dev.kairos.OperationStatus;
import dev.kairos.ProfilingRequestSet;
import dev.kairos.Rect;
import dev.kairos.RegionInstance;
import dev.kairos.internal.KairosRuntime;
import dev.kairos.internal.MachineImpl;
import dev.kairos.internal.event.EventImpl;
import dev.kairos.internal.event.Poison;
import dev.kairos.internal.mem.MemoryImpl;
import dev.kairos.internal.op.Operation;
import dev.kairos.spi.CopyEngine;
import dev.kairos.spi.InstanceStorage;
import dev.kairos.spi.CopyEngine.FieldCopy;
import dev.kairos.spi.CopyEngine.FieldFill;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The copy and fill planner. Checks everything at the call (so mistakes fail where they are made),
 * waits for the precondition and every instance's {@code ready()}, then, on a utility processor,
 * resolves each field pair to a strided {@link FieldCopy} and hands the copies of each memory pair
 * to the engine of that copy path.
 */
public final class Copies {
    private Copies() {}

    public static Event copy(Rect rect, List<CopyField> sources, List<CopyField> destinations,
            ProfilingRequestSet profiling, Event waitOn) {
        if (sources.size() != destinations.size() || sources.isEmpty()) {
            throw new IllegalArgumentException("a copy pairs each source field with the destination at the same position:"
                    + " sources=" + sources.size() + " destinations=" + destinations.size() + " (both must be equal and > 0)");
        }
        KairosRuntime runtime = runtimeOf(sources.getFirst().instance());
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            CopyField src = sources.get(i);
            CopyField dst = destinations.get(i);
            FieldLayout sf = checkField(rect, src);
            FieldLayout df = checkField(rect, dst);
            if (sf.size() != df.size()) {
                throw new IllegalArgumentException("copy pair " + i + ": field sizes differ: " + src + " size=" + sf.size()
                        + ", " + dst + " size=" + df.size());
            }
            int pair = i;
            MachineImpl.CopyPath path = runtime.machine().copyPath(src.instance().memory(), dst.instance().memory())
                    .orElseThrow(() -> new IllegalArgumentException("no copy path from " + src.instance().memory()
                            + " to " + dst.instance().memory() + " (copy pair " + pair + ")"));
            pairs.add(new Pair(src, sf, dst, df, path.engine()));
        }
        return issue(runtime, rect, pairs, null, profiling, waitOn, sources, destinations);
    }

    public static Event fill(Rect rect, List<CopyField> destinations, byte[] value, ProfilingRequestSet profiling, Event waitOn) {
        if (destinations.isEmpty()) {
            throw new IllegalArgumentException("a fill needs at least one destination field");
        }
        if (value == null) {
            throw new IllegalArgumentException("fill value is null");
        }
        KairosRuntime runtime = runtimeOf(destinations.getFirst().instance());
        List<Pair> pairs = new ArrayList<>();
        for (CopyField dst : destinations) {
            FieldLayout df = checkField(rect, dst);
            if (df.size() != value.length) {
                throw new IllegalArgumentException("fill value has " + value.length + " bytes but " + dst + " is "
                        + df.size() + " bytes");
            }
            MachineImpl.CopyPath path = runtime.machine().copyPath(dst.instance().memory(), dst.instance().memory())
                    .orElseThrow(() -> new IllegalArgumentException("no engine can fill " + dst.instance().memory()));
            pairs.add(new Pair(null, null, dst, df, path.engine()));
        }
        return issue(runtime, rect, pairs, value.clone(), profiling, waitOn, List.of(), destinations);
    }

    private static KairosRuntime runtimeOf(RegionInstance instance) {
        if (!(instance.memory() instanceof MemoryImpl memory)) {
            throw new IllegalArgumentException(instance + " is not a Kairos instance");
        }
        return memory.runtime();
    }

    private static FieldLayout checkField(Rect rect, CopyField field) {
        RegionInstance instance = field.instance();
        MemoryImpl.checkUsable(instance, "copy or fill");
        if (!instance.layout().bounds().contains(rect)) {
            throw new IllegalArgumentException("copy rect " + rect + " is outside " + instance + " bounds="
                    + instance.layout().bounds());
        }
        return instance.layout().field(field.fieldId());
    }

    private static Event issue(KairosRuntime runtime, Rect rect, List<Pair> pairs, byte[] fillValue,
            ProfilingRequestSet profiling, Event waitOn, List<CopyField> sources, List<CopyField> destinations) {
        List<Event> preconditions = new ArrayList<>();
        preconditions.add(EventImpl.of(waitOn));
        sources.forEach(f -> preconditions.add(f.instance().ready()));
        destinations.forEach(f -> preconditions.add(f.instance().ready()));
        CopyOp op = new CopyOp(runtime, rect, pairs, fillValue, profiling);
        EventImpl.of(Event.merge(preconditions)).whenTriggered(op);
        return op;
    }

    private record Pair(CopyField source, FieldLayout sourceField, CopyField destination, FieldLayout destinationField,
            CopyEngine engine) {

        FieldCopy toCopy(Rect rect) {
            InstanceStorage src = InstanceStorage.of(source.instance());
            InstanceStorage dst = InstanceStorage.of(destination.instance());
            return new FieldCopy(src.storage(), start(src, source, sourceField, rect), sourceField.stride(),
                    dst.storage(), start(dst, destination, destinationField, rect), destinationField.stride(),
                    sourceField.size(), rect.volume());
        }

        FieldFill toFill(Rect rect, byte[] value) {
            InstanceStorage dst = InstanceStorage.of(destination.instance());
            return new FieldFill(dst.storage(), start(dst, destination, destinationField, rect),
                    destinationField.stride(), rect.volume(), value);
        }

        /** Byte offset in the memory of the field's first point of {@code rect}. */
        private static long start(InstanceStorage bytes, CopyField f, FieldLayout field, Rect rect) {
            return bytes.offset() + field.offset() + (rect.lo() - f.instance().layout().bounds().lo()) * field.stride();
        }
    }

    /** One copy or fill: waits on the merged precondition, runs its engines on a utility processor. */
    private static final class CopyOp extends Operation implements CopyEngine.Completion {
        private final KairosRuntime runtime;
        private final Rect rect;
        private final List<Pair> pairs;
        private final byte[] fillValue;
        private final AtomicInteger enginesLeft = new AtomicInteger();
        /** The instances whose bytes the engines use, held until every engine is done (set before they run). */
        private List<RegionInstance> pinned = List.of();

        CopyOp(KairosRuntime runtime, Rect rect, List<Pair> pairs, byte[] fillValue, ProfilingRequestSet profiling) {
            super(runtime.operations(), runtime.profiling(), profiling);
            this.runtime = runtime;
            this.rect = rect;
            this.pairs = pairs;
            this.fillValue = fillValue;
        }

        @Override
        protected void onTrigger(EventImpl source, Poison poison) {
            if (poison != null) {
                markCancelled(poison);
                return;
            }
            markReady();
            runtime.utilityProcessor().submit(this::start);
        }

        private void start() {
            markStarted();
            runtime.tracer().copyStarted(this, fillValue == null ? pairs.getFirst().source().instance() : null, pairs.getFirst().destination().instance(), pairs.size(), rect.volume());
            if (rect.isEmpty()) {
                end(OperationStatus.Result.COMPLETED_SUCCESSFULLY, null);
                return;
            }
            IllegalStateException gone = pinAll();
            if (gone != null) {
                end(OperationStatus.Result.COMPLETED_WITH_ERRORS, new Poison(gone));
                return;
            }
            Map<CopyEngine, List<Pair>> byEngine = new LinkedHashMap<>();
            for (Pair p : pairs) {
                byEngine.computeIfAbsent(p.engine(), e -> new ArrayList<>()).add(p);
            }
            enginesLeft.set(byEngine.size());
            byEngine.forEach((engine, group) -> {
                try {
                    if (fillValue == null) {
                        engine.copy(group.stream().map(p -> p.toCopy(rect)).toList(), this);
                    } else {
                        engine.fill(group.stream().map(p -> p.toFill(rect, fillValue)).toList(), this);
                    }
                } catch (RuntimeException e) {
                    fail(e);
                }
            });
        }

        /**
         * Holds every instance's bytes for the engines: a destroy that takes effect meanwhile waits
         * for them. Returns why not, pinning nothing, when an instance was destroyed before the copy
         * could run: its bytes may already belong to another instance, so nothing may be touched.
         */
        private IllegalStateException pinAll() {
            List<RegionInstance> held = new ArrayList<>();
            for (Pair p : pairs) {
                for (RegionInstance instance : p.source() == null ? List.of(p.destination().instance())
                        : List.of(p.source().instance(), p.destination().instance())) {
                    if (!MemoryImpl.pin(instance)) {
                        held.forEach(MemoryImpl::unpin);
                        return new IllegalStateException((fillValue == null ? "copy" : "fill") + " of " + instance
                                + " refused: it was destroyed before the operation ran, nothing was written"
                                + " (order its destroy after this operation's event)");
                    }
                    held.add(instance);
                }
            }
            pinned = held;
            return null;
        }

        @Override
        public void complete() {
            if (enginesLeft.decrementAndGet() == 0) {
                pinned.forEach(MemoryImpl::unpin);
                end(OperationStatus.Result.COMPLETED_SUCCESSFULLY, null);
            }
        }

        @Override
        public void fail(Throwable error) {
            if (enginesLeft.decrementAndGet() == 0) {
                pinned.forEach(MemoryImpl::unpin);  // every engine is done with the bytes
            }
            end(OperationStatus.Result.COMPLETED_WITH_ERRORS, new Poison(error)); // later completions find it ended
        }

        /** Later completions find the op ended (an engine failed earlier) and change nothing. */
        private void end(OperationStatus.Result result, Poison poison) {
            markEnded();
            if (result == OperationStatus.Result.COMPLETED_SUCCESSFULLY) {
                markFinished();
            } else {
                markFailed(poison);
            }
            runtime.tracer().copyEnded(this);
        }
    }
}
