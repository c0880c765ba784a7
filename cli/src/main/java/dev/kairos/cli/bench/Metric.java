package dev.kairos.cli.bench;

/**
 * One figure a benchmark case reports once per measured run, with what it is held against: Realm's
 * figure for the same shape on the same machine, and the target from docs/PERFORMANCE.md. Either may be
 * absent (null) when the run's parameters are not the shape Realm was measured with.
 */
record Metric(String name, Unit unit, Realm realm, Target target) {

    static Metric of(String name, Unit unit) {
        return new Metric(name, unit, null, null);
    }

    Metric realm(Realm figure) {
        return new Metric(name, unit, figure, target);
    }

    Metric target(Target goal) {
        return new Metric(name, unit, realm, goal);
    }

    /**
     * Realm's figure: the median of its runs and their range (NaN where Realm's report gives none),
     * and the shape it was measured with.
     */
    record Realm(double median, double min, double max, String shape) {
        static Realm of(double median, String shape) {
            return new Realm(median, Double.NaN, Double.NaN, shape);
        }
    }

    /** The median must be at least (or, for lower-is-better units, at most) {@code value}. */
    record Target(double value) {
        boolean metBy(double median, Unit unit) {
            return unit.higherIsBetter() ? median >= value : median <= value;
        }

        String describe(Unit unit) {
            return (unit.higherIsBetter() ? ">= " : "<= ") + unit.format(value);
        }
    }
}
