package dev.kairos.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Property tests over seeded random generators, in plain JUnit: a property is checked on {@code
 * tries} generated cases; the first case that fails is shortened by its {@link Shrinker} (each
 * smaller candidate that still fails replaces it, until none does) and reported with the seed that
 * generated it.
 *
 * <p>Every case has its own seed, drawn from a base seed that is random per run unless the system
 * property {@value #SEED_PROPERTY} is set: then only the case of that seed runs. The failure
 * message prints the command line that re-runs exactly the failing case, e.g.
 * {@code ./mvnw test -pl core -Dtest=RangeAllocatorPropertiesTest -Dkairos.seed=0x5deece66d}.
 *
 * <p>A case fails when the property throws anything; a candidate of the shrinker counts as failing
 * only when it throws too (for a property over threads, a candidate may pass by chance; the search
 * then keeps the larger case, never reports a passing one).
 */
public final class PropertyCheck<T> {

    /** The system property that re-runs one case: a seed printed by a failure, decimal or 0x-hex. */
    public static final String SEED_PROPERTY = "kairos.seed";

    /** Bounds the work of shortening a failing case: property evaluations, all rounds together. */
    private static final int MAX_SHRINK_EVALUATIONS = 5_000;

    /** Makes one case from the random source handed to it (and from nothing else). */
    @FunctionalInterface
    public interface Generator<T> {
        T generate(SplittableRandom random);
    }

    /** Smaller variants of a failing case, the most promising first; none for a minimal case. */
    @FunctionalInterface
    public interface Shrinker<T> {
        List<T> candidates(T failing);

        /** Shrinks nothing: the failing case is reported as generated. */
        static <T> Shrinker<T> none() {
            return failing -> List.of();
        }
    }

    /** The property itself: returns normally when it holds, throws (an assertion) when it does not. */
    @FunctionalInterface
    public interface Property<T> {
        void check(T value) throws Exception;
    }

    private final String name;
    private final Generator<T> generator;
    private int tries = 100;
    private Shrinker<T> shrinker = Shrinker.none();

    private PropertyCheck(String name, Generator<T> generator) {
        this.name = Objects.requireNonNull(name, "name");
        this.generator = Objects.requireNonNull(generator, "generator");
    }

    /**
     * A property named for its report; the name should be what re-runs it, {@code
     * TestClass#method} (Surefire's {@code -Dtest} syntax).
     */
    public static <T> PropertyCheck<T> forAll(String name, Generator<T> generator) {
        return new PropertyCheck<>(name, generator);
    }

    public PropertyCheck<T> tries(int tries) {
        if (tries < 1) {
            throw new IllegalArgumentException("tries must be at least 1: tries=" + tries);
        }
        this.tries = tries;
        return this;
    }

    public PropertyCheck<T> shrinkWith(Shrinker<T> shrinker) {
        this.shrinker = Objects.requireNonNull(shrinker, "shrinker");
        return this;
    }

    /** Runs the property on every case; throws an {@link AssertionError} naming the first failure's seed. */
    public void check(Property<T> property) {
        Long only = requestedSeed();
        if (only != null) {
            runCase(property, only, 1, 1);
            return;
        }
        SplittableRandom seeds = new SplittableRandom();
        for (int i = 1; i <= tries; i++) {
            runCase(property, seeds.nextLong(), i, tries);
        }
    }

    private void runCase(Property<T> property, long seed, int index, int of) {
        T value = generator.generate(new SplittableRandom(seed));
        Throwable failure = failureOf(property, value);
        if (failure == null) {
            return;
        }
        Shrunk<T> shrunk = shrink(property, value, failure);
        String rerun = "-Dtest=" + name + " -D" + SEED_PROPERTY + "=0x" + Long.toHexString(seed);
        String shortened = shrunk.steps == 0 ? "" : " (shortened in " + shrunk.steps + " steps from " + describe(value) + ")";
        AssertionError error = new AssertionError(name + " failed on case " + index + " of " + of + ", seed=0x"
                + Long.toHexString(seed) + "; re-run that case alone with ./mvnw test -pl <its module> " + rerun + "\nfailing case" + shortened + ":\n"
                + describe(shrunk.value) + "\nfailure: " + shrunk.failure, shrunk.failure);
        throw error;
    }

    private record Shrunk<T>(T value, Throwable failure, int steps) {}

    private Shrunk<T> shrink(Property<T> property, T value, Throwable failure) {
        int evaluations = 0;
        int steps = 0;
        boolean progress = true;
        while (progress && evaluations < MAX_SHRINK_EVALUATIONS) {
            progress = false;
            for (T candidate : shrinker.candidates(value)) {
                if (++evaluations > MAX_SHRINK_EVALUATIONS) {
                    break;
                }
                Throwable candidateFailure = failureOf(property, candidate);
                if (candidateFailure != null) {
                    value = candidate;
                    failure = candidateFailure;
                    steps++;
                    progress = true;
                    break;
                }
            }
        }
        return new Shrunk<>(value, failure, steps);
    }

    private static <T> Throwable failureOf(Property<T> property, T value) {
        try {
            property.check(value);
            return null;
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
                throw (VirtualMachineError) t;
            }
            return t;
        }
    }

    private static String describe(Object value) {
        if (value instanceof List<?> list) {
            return list.size() + " steps " + list;
        }
        return String.valueOf(value);
    }

    private static Long requestedSeed() {
        String text = System.getProperty(SEED_PROPERTY);
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.strip();
        try {
            return t.startsWith("0x") || t.startsWith("0X") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(SEED_PROPERTY + " must be a decimal or 0x-hex long: " + SEED_PROPERTY + "=" + text, e);
        }
    }

    /**
     * Shortens a list by dropping runs of consecutive elements: halves first, then quarters, down to
     * single elements (the first pass of delta debugging), so a 200-step script usually shrinks to the
     * few steps that matter in a few hundred evaluations.
     */
    public static <E> Shrinker<List<E>> dropElements() {
        return failing -> {
            List<List<E>> candidates = new ArrayList<>();
            int n = failing.size();
            int chunk = Math.max(1, n / 2);
            while (true) {
                for (int from = 0; from < n; from += chunk) {
                    List<E> shorter = new ArrayList<>(failing.subList(0, from));
                    shorter.addAll(failing.subList(Math.min(n, from + chunk), n));
                    candidates.add(shorter);
                }
                if (chunk == 1) {
                    return candidates;
                }
                chunk /= 2;
            }
        };
    }

    /**
     * Shortens a case that holds a list (a script of steps, say) by dropping its elements, keeping
     * the rest of the case as it is.
     */
    public static <C, E> Shrinker<C> dropElements(Function<C, List<E>> list, BiFunction<C, List<E>, C> withList) {
        Shrinker<List<E>> lists = dropElements();
        return failing -> lists.candidates(list.apply(failing)).stream().map(shorter -> withList.apply(failing, shorter)).toList();
    }
}
