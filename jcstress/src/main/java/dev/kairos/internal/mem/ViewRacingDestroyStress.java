package dev.kairos.internal.mem;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A thread outside any task body making an instance's shared view ({@link InstanceBytes#view})
 * while its destroy begins and ends the view, as {@code MemoryImpl.onDestroyPrecondition} does:
 * close, then end the view. Whichever comes second must see the other: a view that outlives the
 * destroy, or bytes given back twice or never, would let a kept segment reach the next instance's
 * bytes. (In package {@code internal.mem} to reach the package-private class; this module runs on
 * the class path.)
 */
@JCStressTest
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "the view was made first; the destroy ended it and the bytes went back once")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "the destroy came first; no view was made and the bytes went back once")
@Outcome(expect = FORBIDDEN, desc = "a view outlived the destroy, or the bytes went back twice or never")
@State
public class ViewRacingDestroyStress {
    private static final MemorySegment BYTES = Arena.global().allocate(64);

    final InstanceBytes bytes = new InstanceBytes(0);
    final AtomicInteger givenBack = new AtomicInteger();
    MemorySegment view;

    @Actor
    public void outsideBody() {
        view = bytes.view(BYTES, new HashSet<>());
    }

    @Actor
    public void destroy() {
        if (bytes.close(givenBack::incrementAndGet)) {
            givenBack.incrementAndGet(); // no pin: no view was made, and none can be now
        } else {
            bytes.endView();
        }
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r1 = view != null ? 1 : 0;
        r.r2 = view != null && view.scope().isAlive() ? 1 : 0;
        r.r3 = givenBack.get();
    }
}
