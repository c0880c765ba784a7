/**
 * Kairos: a deferred-execution task runtime for the JVM, modelled on Realm, the runtime under
 * Legion. This package is the whole public API; everything else in {@code kairos-core} is
 * implementation, and the backends ({@code kairos-cpu}, {@code kairos-cuda}) plug in through
 * {@link dev.kairos.spi}.
 *
 * <p>A program describes its work ahead of execution: tasks on processors, instances in memories,
 * copies and fills, destroys. Each of these operations takes an {@link Event} to wait on and
 * returns an {@code Event} that triggers when it is done, and none of them blocks the caller. The
 * runtime starts each operation the moment its precondition triggers. The one call that blocks is
 * {@link Event#await()} (and its variants).
 *
 * <h2 id="tutorial">A first program: Realm's tutorial loop</h2>
 *
 * A runtime is started with the backends on the class path and closed with try-with-resources:
 *
 * {@snippet class=dev.kairos.snippets.TutorialLoopSnippet region=start}
 *
 * The loop schedules every batch before anything runs: an instance created when the batch before
 * it has been read, a writer that runs once the instance has its bytes, a reader after the writer,
 * and a destroy after the reader. Nothing is allocated until {@code start.trigger()}; from then on
 * the memory holds one batch at a time, however many batches were scheduled:
 *
 * {@snippet class=dev.kairos.snippets.TutorialLoopSnippet region=loop}
 *
 * <h2 id="events">Events</h2>
 *
 * An {@link Event} is {@link Event.Status#PENDING} until it moves, exactly once, to
 * {@link Event.Status#TRIGGERED} or to {@link Event.Status#POISONED}. {@link Event#NO_EVENT} has
 * always triggered: pass it for "no precondition".
 * <ul>
 *   <li>A {@link UserEvent} ({@link Kairos#createUserEvent()}) is triggered by the program:
 *       {@link UserEvent#trigger()}, {@link UserEvent#trigger(Event)} (when another event does) or
 *       {@link UserEvent#cancel()} (poisons it). Only the first of these calls counts; a second is
 *       an {@link IllegalStateException}.
 *   <li>{@link Event#merge(Event...)} triggers when all its inputs have and is poisoned as soon as
 *       one of them is; {@link Event#mergeIgnoringFaults} triggers when all have finished either
 *       way and is never poisoned.
 *   <li><b>Poison flows downstream.</b> An operation whose precondition is poisoned never runs; its
 *       own event is poisoned with the same cause, and so on down the graph. {@link Event#await()}
 *       on a poisoned event throws {@link PoisonedEventException}, whose cause is the original
 *       failure (what a task body threw, why an allocation failed, a cancelled user event).
 *       {@link Event#await(java.time.Duration)} never throws for poison: it returns the status.
 *   <li>Events are handles: immutable, safe to share between threads, printable
 *       ({@code event:4711}) and ordered by a stable id. So are processors ({@code proc:cpu0}),
 *       memories ({@code mem:sys}) and instances ({@code inst:17}); their state lives in the runtime.
 * </ul>
 *
 * <h2 id="tasks">Processors and tasks</h2>
 *
 * {@link Kairos#machine()} lists what the backends found: {@link Processor}s of each
 * {@link ProcessorKind} ({@code CPU}, {@code GPU}, {@code UTILITY}), {@link Memory memories} of each
 * {@link MemoryKind}, and the {@link Affinity} of each processor to each memory it can reach. The
 * queries ({@link Machine#processors()}, {@link Machine#memories()}) pick them by kind and
 * affinity. Without a GPU the machine is CPU-only and says why ({@link Machine#backends()}); the
 * same program runs on both.
 * <ul>
 *   <li>A task is registered once ({@link Kairos#registerTask}) with one body per processor kind
 *       ({@link TaskVariant#on}); {@link Processor#spawn(TaskId, Object, Event)} runs it on that
 *       processor once the precondition triggers. Spawning on a kind the task has no variant for
 *       is an {@link IllegalArgumentException} at the call.
 *   <li>A processor runs one task at a time: among the ready ones the highest priority first
 *       ({@link Processor#spawn(TaskId, Object, Event, int, ProfilingRequestSet)}), then in the
 *       order they became ready.
 *   <li>A body that throws poisons the task's event with what it threw, which is logged once; a
 *       body that throws {@link java.util.concurrent.CancellationException} has cancelled its
 *       task: the same poison, logged as nothing (the cause the runtime gives what it cancels).
 *   <li>A body sees a {@link TaskContext}: its processor, the runtime (to issue more work), its
 *       own finish event, and the backend's context ({@link TaskContext#backend(Class)}; on a GPU,
 *       the CUDA backend's stream and kernel launcher). A GPU task's event triggers once the device
 *       work its body enqueued has completed.
 *   <li>A body may {@link Event#await()}: its processor runs other ready tasks meanwhile, so a body
 *       waiting for tasks spawned on its own processor does not deadlock it.
 * </ul>
 *
 * <h2 id="instances">Memories, instances, layouts and accessors</h2>
 *
 * A {@link RegionInstance} holds some fields over the points of a {@link Rect} in one memory.
 * {@link RegionInstance#create} returns the handle at once and never blocks; {@link
 * RegionInstance#ready()} triggers when the bytes are allocated, and {@link
 * RegionInstance#destroy(Event)} gives them back once its precondition triggers. The
 * {@link InstanceLayout} says where each field of each point lives (block size 1: arrays of
 * structs; 0: structs of arrays), and an {@link AffineAccessor} gives host code the instance's bytes
 * as a bounds-checked {@link java.lang.foreign.MemorySegment}, in memories the host can reach
 * ({@link MemoryKind#isHostAccessible()}).
 * <ul>
 *   <li>{@code create} with a field size &lt;= 0, a block size other than 0 or 1, or an instance
 *       larger than the memory is an {@link IllegalArgumentException} that names the sizes.
 *   <li>{@code accessor} before {@code ready()} has triggered, on a {@link MemoryKind#GPU_FB}
 *       instance, or after the instance was destroyed is an {@link IllegalStateException}; an unknown
 *       field is an {@link IllegalArgumentException}.
 *   <li>A second {@code destroy} of one instance is an {@link IllegalStateException}, unless the
 *       first was cancelled (its precondition was poisoned). Destroying an instance whose
 *       allocation failed or was cancelled does nothing.
 * </ul>
 *
 * <p><b>Deferred allocation.</b> An instance gets its bytes only when the precondition of its
 * {@code create} triggers, which a program chains to the moment its first user can run, and
 * returns them when the precondition of its {@code destroy} triggers, chained to its last user: the
 * memory a program holds follows what runs, not what it has scheduled. When a request does not fit
 * at that moment, the memory decides at once whether it will fit once the destroys requested before
 * this {@code create} take effect: then it is accepted and waits for them; otherwise
 * {@code ready()} is poisoned with an {@link InstanceAllocationException} that names the memory and
 * the sizes. Only destroys requested before the {@code create} are counted on, because a later one
 * may itself wait on the new instance. {@link KairosConfig.Builder#deferredAllocation(boolean)
 * deferredAllocation(false)} turns the waiting off: what does not fit at once fails. The rules, the
 * deadlock rule and worked examples are in the repository's {@code docs/DEFERRED_ALLOCATION.md}.
 *
 * <h2 id="copies">Copies and fills</h2>
 *
 * {@link Rect#copy} copies fields of one instance to fields of another over the points of a rect,
 * and {@link Rect#fill} writes one value into fields; both wait for their precondition and for
 * every instance involved to be ready, and return an event. A copy needs a copy path between the
 * two memories ({@link Machine#affinity(Memory, Memory)} is
 * {@link Affinity#NONE} where there is none): host to host, host to device, device to device, and
 * zero-copy memory to either. Mismatched field sizes, points outside an instance or two memories no
 * path connects are an {@link IllegalArgumentException} at the call.
 *
 * <h2 id="profiling">Profiling and tracing</h2>
 *
 * A {@link ProfilingRequestSet} given to {@code spawn}, {@code create}, {@code copy} or {@code fill}
 * asks for {@link Measurement}s: {@link OperationTimeline}, {@link OperationStatus},
 * {@link InstanceTimeline}, {@link InstanceMemoryUsage}, {@link InstanceAllocResult},
 * {@link InstanceStatus}. Responses go to its handler on the runtime's profiling thread, one at a
 * time in the order they were produced, never on the thread that issued the operation. An
 * instance's {@link InstanceAllocResult} is sent as soon as the memory knows whether the allocation
 * will succeed, before the instance is ready. {@link ProfilingRequestSet#NONE} costs nothing.
 *
 * <p>{@link KairosConfig.Builder#trace(java.nio.file.Path)} writes the run's timeline (tasks,
 * instances, allocation decisions, copies) to a file that Perfetto opens; a task argument names
 * itself there through {@link TraceLabel}.
 *
 * <h2 id="closing">Closing, and memory safety</h2>
 *
 * {@link Kairos#close()} never loses accepted work and never waits forever:
 * <ul>
 *   <li>From the call on, work submitted from outside the runtime's own tasks (spawn, create,
 *       destroy, copy, fill, user events) is refused with {@link IllegalStateException}; once
 *       closed, everything is.
 *   <li>It waits for every operation that can still run. When nothing has finished for
 *       {@link KairosConfig#closeGracePeriod()}, what is left waits on user events nobody has
 *       triggered: it cancels them (the poison flows on), warns once, and keeps waiting.
 *   <li>If still nothing finishes for that long, it names the task bodies still running or blocked
 *       and returns anyway; their workers are left to end on their own.
 *   <li>It then frees every memory, unless a body may still be using it.
 * </ul>
 * A task cannot call {@code close()} (it would wait for itself): it calls
 * {@link Kairos#shutdown(Event)}, which closes the runtime once an event has triggered, and the
 * program waits with {@link Kairos#awaitTermination(java.time.Duration)}.
 *
 * <p><b>Memory safety.</b> No use of this API can crash the JVM or touch the bytes of another
 * instance. An accessor's segment, a copy or a fill of an instance that was destroyed, or of any
 * instance once its runtime has closed, fails with {@link IllegalStateException} (a kept segment
 * reports itself closed) and never reads or writes memory the instance no longer owns. An
 * accessor's segment covers exactly the instance's bytes, and a point outside the instance's
 * bounds is refused. A segment taken in a task body belongs to that body: it is confined to the
 * body's thread and closed when the body returns (another thread asks the accessor for its own),
 * and the instance's bytes stay its own until then, even if a destroy not ordered after the body
 * takes effect meanwhile.
 */
package dev.kairos;
