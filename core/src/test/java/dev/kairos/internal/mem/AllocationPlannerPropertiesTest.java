package dev.kairos.internal.mem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kairos.internal.mem.AllocationModel.Rel;
import dev.kairos.internal.mem.AllocationModel.Req;
import dev.kairos.internal.mem.AllocationPlanner.Release;
import dev.kairos.internal.mem.AllocationPlanner.Request;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Long random scripts of creates, decisions, destroys, triggers and cancellations, played on the
 * planner and on {@link AllocationModel} side by side, checked after every step.
 *
 * <p>Where the rules leave no choice, the planner must match the model exactly: the immediate
 * decision, and its offset, since both are first fit by address over the same view (free now and
 * unpromised for success now; the request's future view for a plan); which promises a cancelled
 * release disturbs, and where each one is planned again. Where the rules leave a choice (which
 * promise completes first, and where an early completion goes) the planner's effects are checked
 * for legality as they come, and after every step the model checks that nothing was left
 * undone: no promise whose planned place is free and unblocked, or that could complete early
 * without breaking another. At the end every pending release is triggered, after which no request
 * may still be waiting on a promise.
 */
class AllocationPlannerPropertiesTest {

    enum Kind { CREATE, DECIDE, CANCEL, DESTROY, TRIGGER, POISON }

    record Step(Kind kind, int a, int b) {}

    record Setup(int capacity, boolean deferral) {}

    sealed interface Effect permits Allocated, Failed, Released {}

    record Allocated(Request request, long offset) implements Effect {}

    record Failed(Request request, AllocFailure failure) implements Effect {}

    record Released(Release release) implements Effect {}

    /** How often each path was taken, over all scripts: proof that the generator reaches them. */
    private static final class Coverage {
        int successNow;
        int accepted;
        int neverFits;
        int doesNotFitNow;
        int completedAtPlan;
        int completedEarly;
        int replanned;
        int failedOnCancelledRelease;
        int refusedSecondDestroy;
    }

    private static final Coverage COVERAGE = new Coverage();

    @Property(tries = 4000)
    void agreesWithTheReferenceModelOnEveryStep(@ForAll @IntRange(min = 1, max = 16) int capacity,
            @ForAll("deferral") boolean deferral, @ForAll("scripts") List<Step> steps) {
        new Run(new Setup(capacity, deferral), COVERAGE).play(steps);
    }

    /** Every path of the planner was taken often enough for the property to mean something. */
    @AfterContainer
    static void everyPathWasReached() {
        assertThat(COVERAGE.successNow).isGreaterThan(4000);
        assertThat(COVERAGE.accepted).isGreaterThan(400);
        assertThat(COVERAGE.neverFits).isGreaterThan(1500);
        assertThat(COVERAGE.doesNotFitNow).isGreaterThan(200);
        assertThat(COVERAGE.completedAtPlan).isGreaterThan(250);
        assertThat(COVERAGE.completedEarly).isGreaterThan(50);
        assertThat(COVERAGE.replanned).isGreaterThan(20);
        assertThat(COVERAGE.failedOnCancelledRelease).isGreaterThan(100);
        assertThat(COVERAGE.refusedSecondDestroy).isGreaterThan(1000);
    }

    /** Pressure deferral is on in nine scripts out of ten. */
    @Provide
    Arbitrary<Boolean> deferral() {
        return Arbitraries.frequency(Tuple.of(9, true), Tuple.of(1, false));
    }

    /** Scripts of up to 120 steps, weighted towards creates, decisions and destroys. */
    @Provide
    Arbitrary<List<Step>> scripts() {
        Arbitrary<Kind> kinds = Arbitraries.frequency(
                Tuple.of(4, Kind.CREATE), Tuple.of(4, Kind.DECIDE), Tuple.of(4, Kind.DESTROY),
                Tuple.of(3, Kind.TRIGGER), Tuple.of(1, Kind.CANCEL), Tuple.of(1, Kind.POISON));
        Arbitrary<Integer> operand = Arbitraries.integers().between(0, (1 << 16) - 1);
        return Combinators.combine(kinds, operand, operand).as(Step::new).list().ofMaxSize(120);
    }

    /** One script on a fresh planner and model. */
    private static final class Run {
        private final AllocationModel model;
        private final AllocationPlanner planner;
        private final Coverage coverage;
        private final List<Request> requests = new ArrayList<>();
        private final List<Release> releases = new ArrayList<>();
        private final Deque<Effect> effects = new ArrayDeque<>();
        private final AllocationPlanner.Effects out = new AllocationPlanner.Effects() {
            @Override
            public void allocated(Request request, long offset) {
                effects.add(new Allocated(request, offset));
            }

            @Override
            public void failed(Request request, AllocFailure failure) {
                effects.add(new Failed(request, failure));
            }

            @Override
            public void released(Release release) {
                effects.add(new Released(release));
            }
        };

        Run(Setup setup, Coverage coverage) {
            this.model = new AllocationModel(setup.capacity(), setup.deferral());
            this.planner = new AllocationPlanner(setup.capacity(), setup.deferral());
            this.coverage = coverage;
        }

        void play(List<Step> steps) {
            for (Step step : steps) {
                switch (step.kind()) {
                    case CREATE -> create(step);
                    case DECIDE -> decide(pick(model.inState(Request.State.WAITING), step.a()));
                    case CANCEL -> cancel(pick(model.inState(Request.State.WAITING), step.a()));
                    case DESTROY -> destroy(step);
                    case TRIGGER -> trigger(pick(pendingReleases(), step.a()));
                    case POISON -> poison(pick(step.b() % 2 == 0 ? countedOnReleases() : pendingReleases(), step.a()));
                }
                check();
            }
            drain();
        }

        // ---- steps ----------------------------------------------------------------------------

        private void create(Step step) {
            int bytes = switch (step.a() % 10) {
                case 0 -> 0;
                case 1 -> 1 + (step.a() / 10) % model.capacity;
                default -> 1 + (step.a() / 10) % Math.max(1, model.capacity / 3);
            };
            int alignment = 1 << (step.b() % 3);
            Request request = planner.newRequest(bytes, alignment, "r" + requests.size());
            Req m = model.create(bytes, alignment);
            assertThat(request.id()).isEqualTo(m.id);
            assertThat(request.countableReleases()).isEqualTo(m.countable);
            requests.add(request);
        }

        private void decide(Req m) {
            if (m == null) {
                return;
            }
            AllocOutcome expected;
            int offset;
            AllocFailure.Reason reason = null;
            if (m.bytes == 0) {
                expected = AllocOutcome.SUCCESS_NOW;
                offset = 0;
            } else {
                offset = AllocationModel.firstFit(model.blockedNow(), m.bytes, m.alignment);
                expected = AllocOutcome.SUCCESS_NOW;
                if (offset < 0 && model.deferral) {
                    offset = AllocationModel.firstFit(model.blockedInFuture(m, List.of()), m.bytes, m.alignment);
                    expected = AllocOutcome.ACCEPTED;
                }
                if (offset < 0) {
                    expected = AllocOutcome.FAILURE_NOW;
                    reason = model.deferral ? AllocFailure.Reason.NEVER_FITS : AllocFailure.Reason.DOES_NOT_FIT_NOW;
                }
            }
            AllocFailure failureExpected = reason == null ? null
                    : new AllocFailure(reason, m.bytes, m.alignment, model.capacity, model.used(),
                            model.pendingReleaseBytes(null), model.pendingReleaseBytes(m), model.promisedBytes(), null);

            AllocOutcome actual = planner.decide(requests.get(m.id), out);

            assertThat(actual).as("decision for %s", m).isEqualTo(expected);
            switch (expected) {
                case SUCCESS_NOW -> {
                    coverage.successNow++;
                    Allocated allocated = next(Allocated.class);
                    assertThat(allocated.request().id()).isEqualTo(m.id);
                    assertThat(allocated.offset()).as("first fit free now for %s", m).isEqualTo(offset);
                    becameLive(m, offset, AllocOutcome.SUCCESS_NOW);
                }
                case ACCEPTED -> {
                    coverage.accepted++;
                    m.state = Request.State.PROMISED;
                    m.offset = offset;
                    m.outcome = AllocOutcome.ACCEPTED;
                }
                default -> {
                    if (reason == AllocFailure.Reason.NEVER_FITS) {
                        coverage.neverFits++;
                    } else {
                        coverage.doesNotFitNow++;
                    }
                    Failed failed = next(Failed.class);
                    assertThat(failed.request().id()).isEqualTo(m.id);
                    assertThat(failed.failure()).isEqualTo(failureExpected);
                    failedWithoutBytes(m, AllocOutcome.FAILURE_NOW, reason, null);
                }
            }
            completions();
        }

        private void cancel(Req m) {
            if (m == null) {
                return;
            }
            planner.cancel(requests.get(m.id), out);
            m.state = Request.State.CANCELLED;
            m.outcome = AllocOutcome.CANCELLED;
            releaseOfNothing(m);
            assertThat(effects).isEmpty();
        }

        private void destroy(Step step) {
            List<Req> candidates = new ArrayList<>();
            for (Req r : model.requests) {
                if (step.b() % 5 == 0 || model.activeRelease(r) == null) {
                    candidates.add(r);
                }
            }
            Req m = pick(candidates, step.a());
            if (m == null) {
                return;
            }
            Request request = requests.get(m.id);
            if (model.activeRelease(m) != null) {
                coverage.refusedSecondDestroy++;
                assertThatThrownBy(() -> planner.registerRelease(request)).isInstanceOf(IllegalStateException.class);
                return;
            }
            Release release = planner.registerRelease(request);
            Rel rel = model.destroy(m);
            assertThat(release.sequence()).isEqualTo(rel.sequence);
            releases.add(release);
        }

        private void trigger(Rel rel) {
            if (rel == null) {
                return;
            }
            Req m = rel.request;
            planner.triggerRelease(releases.get(rel.sequence), out);
            switch (m.state) {
                case LIVE -> {
                    assertThat(next(Released.class).release().sequence()).isEqualTo(rel.sequence);
                    m.state = Request.State.FREED;
                    rel.state = Release.State.DONE;
                    completions();
                }
                case WAITING, PROMISED -> {
                    rel.state = Release.State.TRIGGERED;
                    assertThat(effects).as("a release that waits for its allocation frees nothing").isEmpty();
                }
                case FAILED, CANCELLED -> {
                    assertThat(next(Released.class).release().sequence()).isEqualTo(rel.sequence);
                    rel.state = Release.State.DONE;
                    assertThat(effects).isEmpty();
                }
                case FREED -> throw new AssertionError("pending release of a freed request: " + m);
            }
        }

        private void poison(Rel rel) {
            if (rel == null) {
                return;
            }
            Req holder = rel.request;
            planner.cancelRelease(releases.get(rel.sequence), out);
            rel.state = Release.State.CANCELLED;
            List<Req> countedOn = new ArrayList<>();
            boolean holds = holder.state == Request.State.LIVE || holder.state == Request.State.PROMISED;
            for (Req p : model.inState(Request.State.PROMISED)) {
                if (holds && holder.bytes > 0 && rel.sequence < p.countable && p.overlaps(holder.offset, holder.bytes)) {
                    countedOn.add(p);
                }
            }
            List<Req> unplaced = new ArrayList<>(countedOn);
            for (Req p : countedOn) {
                unplaced.remove(p);
                int planned = AllocationModel.firstFit(model.blockedInFuture(p, unplaced), p.bytes, p.alignment);
                if (planned >= 0) {
                    coverage.replanned++;
                    p.offset = planned;
                } else {
                    coverage.failedOnCancelledRelease++;
                    Failed failed = next(Failed.class);
                    assertThat(failed.request().id()).isEqualTo(p.id);
                    assertThat(failed.failure().reason()).isEqualTo(AllocFailure.Reason.RELEASE_CANCELLED);
                    assertThat(failed.failure().cancelledReleaseOwner()).isEqualTo("r" + holder.id);
                    assertThat(failed.failure().bytes()).isEqualTo(p.bytes);
                    failedWithoutBytes(p, AllocOutcome.EVENTUAL_FAILURE, AllocFailure.Reason.RELEASE_CANCELLED,
                            "r" + holder.id);
                }
            }
            completions();
        }

        /** Every pending release triggers; afterwards no promise may be left. */
        private void drain() {
            for (Rel rel = first(pendingReleases()); rel != null; rel = first(pendingReleases())) {
                trigger(rel);
                check();
            }
            assertThat(model.inState(Request.State.PROMISED)).as("promises left after every release").isEmpty();
            assertThat(planner.promisedCount()).isZero();
        }

        // ---- effects --------------------------------------------------------------------------

        /** The remaining effects of a step: promises completing, each legal when it happens. */
        private void completions() {
            while (!effects.isEmpty()) {
                Allocated allocated = next(Allocated.class);
                Req p = model.requests.get((int) allocated.request().id());
                int offset = (int) allocated.offset();
                assertThat(p.state).as("only a promise completes later: %s", p).isEqualTo(Request.State.PROMISED);
                assertThat(offset % p.alignment).isZero();
                assertThat(offset + p.bytes).isLessThanOrEqualTo(model.capacity);
                assertThat(AllocationModel.allClear(model.liveBytes(), offset, p.bytes))
                        .as("%s completes at %d in bytes that are free", p, offset).isTrue();
                boolean atPlan = offset == p.offset && !model.promiseOverlaps(p, offset, p.bytes, true);
                boolean earlyBreakingNoPromise = !model.promiseOverlaps(p, offset, p.bytes, false);
                assertThat(atPlan || earlyBreakingNoPromise)
                        .as("%s completes at %d: its plan with no older promise there, or a place no promise holds", p, offset)
                        .isTrue();
                if (offset == p.offset) {
                    coverage.completedAtPlan++;
                } else {
                    coverage.completedEarly++;
                }
                becameLive(p, offset, AllocOutcome.EVENTUAL_SUCCESS);
            }
        }

        private void becameLive(Req m, int offset, AllocOutcome outcome) {
            m.state = Request.State.LIVE;
            m.offset = offset;
            m.outcome = outcome;
            model.peak = Math.max(model.peak, model.used());
            Rel rel = model.activeRelease(m);
            if (rel != null && rel.state == Release.State.TRIGGERED) {
                assertThat(next(Released.class).release().sequence()).as("destroy before allocation").isEqualTo(rel.sequence);
                m.state = Request.State.FREED;
                rel.state = Release.State.DONE;
            }
        }

        private void failedWithoutBytes(Req m, AllocOutcome outcome, AllocFailure.Reason reason, Object owner) {
            m.state = Request.State.FAILED;
            m.outcome = outcome;
            m.failure = reason;
            m.cancelledReleaseOwner = owner;
            releaseOfNothing(m);
        }

        private void releaseOfNothing(Req m) {
            Rel rel = model.activeRelease(m);
            if (rel != null && rel.state == Release.State.TRIGGERED) {
                assertThat(next(Released.class).release().sequence()).isEqualTo(rel.sequence);
                rel.state = Release.State.DONE;
            }
        }

        private <E extends Effect> E next(Class<E> kind) {
            assertThat(effects).as("expected a %s effect", kind.getSimpleName()).isNotEmpty();
            Effect effect = effects.poll();
            assertThat(effect).isInstanceOf(kind);
            return kind.cast(effect);
        }

        // ---- checks after every step ----------------------------------------------------------

        private void check() {
            assertThat(effects).as("effects nobody expected").isEmpty();
            boolean[] live = model.liveBytes();
            for (Req p : model.inState(Request.State.PROMISED)) {
                assertThat(AllocationModel.allClear(live, p.offset, p.bytes)
                        && !model.promiseOverlaps(p, p.offset, p.bytes, true))
                        .as("%s still waits although its planned place is free and no older promise holds it", p)
                        .isFalse();
                for (int f = 0; f + p.bytes <= model.capacity; f += p.alignment) {
                    assertThat(AllocationModel.allClear(live, f, p.bytes) && !model.promiseOverlaps(p, f, p.bytes, false))
                            .as("%s still waits although %d is free and breaks no promise", p, f)
                            .isFalse();
                }
                for (Req q : model.requests) {
                    if (q == p || !q.overlaps(p.offset, p.bytes) || q.bytes == 0) {
                        continue;
                    }
                    if (q.state == Request.State.LIVE) {
                        assertThat(model.countable(q, p))
                                .as("%s is planned over live %s without a release registered before its create", p, q)
                                .isTrue();
                    } else if (q.state == Request.State.PROMISED) {
                        Req older = q.id < p.id ? q : p;
                        Req younger = older == q ? p : q;
                        assertThat(model.countable(older, younger))
                                .as("%s overlaps older %s without counting on its release", younger, older)
                                .isTrue();
                    }
                }
            }
            assertThat(planner.used()).isEqualTo(model.used()).isLessThanOrEqualTo(model.capacity);
            assertThat(planner.peakUsed()).isEqualTo(model.peak);
            assertThat(planner.pendingReleaseBytes()).isEqualTo(model.pendingReleaseBytes(null));
            assertThat(planner.liveCount()).isEqualTo(model.inState(Request.State.LIVE).size());
            assertThat(planner.promisedCount()).isEqualTo(model.inState(Request.State.PROMISED).size());
            assertThat(planner.waitingCount()).isEqualTo(model.inState(Request.State.WAITING).size());
            for (Req m : model.requests) {
                Request r = requests.get(m.id);
                assertThat(r.state()).as("state of %s", m).isEqualTo(m.state);
                assertThat(r.outcome()).as("outcome of %s", m).isEqualTo(m.outcome);
                boolean holds = m.state == Request.State.LIVE || m.state == Request.State.FREED;
                assertThat(r.offset()).as("offset of %s", m).isEqualTo(holds ? m.offset : -1);
                assertThat(r.plannedOffset()).as("plan of %s", m)
                        .isEqualTo(m.state == Request.State.PROMISED ? m.offset : -1);
                assertThat(r.failure() == null ? null : r.failure().reason()).isEqualTo(m.failure);
                if (m.cancelledReleaseOwner != null) {
                    assertThat(r.failure().cancelledReleaseOwner()).isEqualTo(m.cancelledReleaseOwner);
                }
            }
            for (Rel rel : model.releases) {
                assertThat(releases.get(rel.sequence).state()).as("release %d", rel.sequence).isEqualTo(rel.state);
            }
            planner.checkInvariants();
        }

        // ---- helpers --------------------------------------------------------------------------

        private List<Rel> pendingReleases() {
            List<Rel> pending = new ArrayList<>();
            for (Rel rel : model.releases) {
                if (rel.state == Release.State.PENDING) {
                    pending.add(rel);
                }
            }
            return pending;
        }

        /** Pending releases that some promise counts on: poisoning them exercises re-planning. */
        private List<Rel> countedOnReleases() {
            List<Rel> counted = new ArrayList<>();
            for (Rel rel : pendingReleases()) {
                Req holder = rel.request;
                for (Req p : model.inState(Request.State.PROMISED)) {
                    boolean holds = holder.state == Request.State.LIVE || holder.state == Request.State.PROMISED;
                    if (holds && rel.sequence < p.countable && p.overlaps(holder.offset, holder.bytes)) {
                        counted.add(rel);
                        break;
                    }
                }
            }
            return counted.isEmpty() ? pendingReleases() : counted;
        }

        private static <T> T pick(List<T> candidates, int index) {
            return candidates.isEmpty() ? null : candidates.get(index % candidates.size());
        }

        private static <T> T first(List<T> candidates) {
            return pick(candidates, 0);
        }
    }
}
