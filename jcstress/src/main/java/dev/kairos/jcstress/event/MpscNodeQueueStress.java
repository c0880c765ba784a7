package dev.kairos.jcstress.event;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.kairos.internal.event.EventImpl;
import dev.kairos.internal.event.MpscNodeQueue;
import dev.kairos.internal.event.Node;
import dev.kairos.internal.event.Poison;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.L_Result;

/**
 * {@link MpscNodeQueue}: every offered node is polled exactly once, each producer's nodes in the
 * order it offered them, and a poll may return null while a producer is between its two steps
 * (the documented relaxed poll), never after the queue has handed out everything.
 */
public class MpscNodeQueueStress {

    /** A queue entry that knows its number. */
    static final class Entry extends Node {
        final int number;

        Entry(int number) {
            this.number = number;
        }

        @Override
        protected void onTrigger(EventImpl source, Poison poison) {
            throw new IllegalStateException("queue entries never wait");
        }
    }

    static int number(Node node) {
        return node == null ? 0 : ((Entry) node).number;
    }

    /**
     * The consumer alone, after every producer: polls until the queue says it is empty; the numbers
     * in order. With no producer between its steps, a null poll from a queue that is not empty means
     * a node is out of reach: it ends with "X" (an outcome no test accepts) rather than spinning.
     */
    static String drain(MpscNodeQueue queue) {
        StringBuilder polled = new StringBuilder();
        while (!queue.isEmpty()) {
            Node node = queue.poll();
            if (node == null) {
                return polled.append('X').toString();
            }
            polled.append(number(node));
        }
        return polled.toString();
    }

    @JCStressTest
    @Outcome(id = {"12", "21"}, expect = ACCEPTABLE, desc = "both nodes, once each, in either order")
    @Outcome(expect = FORBIDDEN, desc = "a node lost or handed out twice")
    @State
    public static class TwoProducers {
        final MpscNodeQueue queue = new MpscNodeQueue();

        @Actor
        public void producer1() {
            queue.offer(new Entry(1));
        }

        @Actor
        public void producer2() {
            queue.offer(new Entry(2));
        }

        @Arbiter
        public void consumer(L_Result r) {
            r.r1 = drain(queue);
        }
    }

    /**
     * One producer offers 1 then 2 while the consumer polls twice; the arbiter drains the rest
     * (r3: the numbers it polled, 0 for none).
     */
    @JCStressTest
    @Outcome(id = {"0, 0, 12", "1, 0, 2", "0, 1, 2", "1, 2, 0"}, expect = ACCEPTABLE, desc = "in offer order, each node once")
    @Outcome(expect = FORBIDDEN, desc = "out of offer order, lost or handed out twice")
    @State
    public static class ProducerAndConsumer {
        final MpscNodeQueue queue = new MpscNodeQueue();

        @Actor
        public void producer() {
            queue.offer(new Entry(1));
            queue.offer(new Entry(2));
        }

        @Actor
        public void consumer(III_Result r) {
            r.r1 = number(queue.poll());
            r.r2 = number(queue.poll());
        }

        @Arbiter
        public void rest(III_Result r) {
            String rest = drain(queue);
            r.r3 = rest.isEmpty() ? 0 : rest.endsWith("X") ? -1 : Integer.parseInt(rest);
        }
    }

    /** r1: what the consumer polled (0: null); r2: whether it then saw the queue empty (1) or not (0). */
    @JCStressTest
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "polled the node; the queue is empty")
    @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "polled before the offer and checked before it too")
    @Outcome(id = "0, 0", expect = ACCEPTABLE_INTERESTING, desc = "poll returned null while not empty: the producer was between its exchange and its link (or offered after the poll)")
    @Outcome(id = "1, 0", expect = FORBIDDEN, desc = "the only node was handed out, yet the queue says it is not empty")
    @Outcome(expect = FORBIDDEN, desc = "the node was lost or handed out twice (r1 = -1)")
    @State
    public static class RelaxedPoll {
        final MpscNodeQueue queue = new MpscNodeQueue();

        @Actor
        public void producer() {
            queue.offer(new Entry(1));
        }

        @Actor
        public void consumer(II_Result r) {
            r.r1 = number(queue.poll());
            r.r2 = queue.isEmpty() ? 1 : 0;
        }

        @Arbiter
        public void rest(II_Result r) {
            String rest = drain(queue);
            if (rest.endsWith("X") || rest.length() + r.r1 != 1) {
                r.r1 = -1; // lost or duplicated: an outcome no @Outcome accepts
            }
        }
    }
}
