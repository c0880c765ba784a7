package dev.kairos.internal.mem;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A small property runner for scripted tests: checks a property over many generated cases (a
 * setup and a script of steps), each from its own seed, and on failure shrinks the script by
 * deleting steps while it still fails, then reports the seed and the shortest failing script.
 *
 * <p>Runs are reproducible: the seeds derive from a fixed base, which
 * {@code -Dkairos.property.seed=N} replaces to explore other scripts.
 */
final class PropertyCheck {

    private static final long BASE_SEED = Long.getLong("kairos.property.seed", 0x6B6169726F73L);

    /** One generated case: a fixed setup, and steps that shrinking may delete. */
    record Case<C, S>(C setup, List<S> steps) {}

    private PropertyCheck() {
    }

    static <C, S> void forAll(int tries, Function<SplittableRandom, Case<C, S>> generator,
            BiConsumer<C, List<S>> property) {
        for (int i = 0; i < tries; i++) {
            long seed = BASE_SEED + i;
            Case<C, S> generated = generator.apply(new SplittableRandom(seed));
            if (failureOf(property, generated.setup(), generated.steps()) != null) {
                List<S> shortest = shrink(generated, property);
                Throwable failure = failureOf(property, generated.setup(), shortest);
                StringBuilder text = new StringBuilder("property failed: seed=" + seed + " try=" + i
                        + " steps=" + generated.steps().size() + " shrunkTo=" + shortest.size()
                        + " setup=" + generated.setup() + "\n");
                for (S step : shortest) {
                    text.append("  ").append(step).append('\n');
                }
                text.append("failure: ").append(failure);
                throw new AssertionError(text.toString(), failure);
            }
        }
    }

    /** Deletes chunks of steps, halving the chunk size, for as long as the script keeps failing. */
    private static <C, S> List<S> shrink(Case<C, S> generated, BiConsumer<C, List<S>> property) {
        List<S> current = generated.steps();
        for (int chunk = Math.max(1, current.size() / 2); chunk >= 1; chunk /= 2) {
            int start = 0;
            while (start < current.size()) {
                List<S> candidate = new ArrayList<>(current.subList(0, start));
                candidate.addAll(current.subList(Math.min(current.size(), start + chunk), current.size()));
                if (failureOf(property, generated.setup(), candidate) != null) {
                    current = candidate;
                } else {
                    start += chunk;
                }
            }
        }
        return current;
    }

    private static <C, S> Throwable failureOf(BiConsumer<C, List<S>> property, C setup, List<S> steps) {
        try {
            property.accept(setup, steps);
            return null;
        } catch (RuntimeException | AssertionError e) {
            return e;
        }
    }
}
