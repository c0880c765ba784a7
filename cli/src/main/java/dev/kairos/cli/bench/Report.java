package dev.kairos.cli.bench;

import dev.kairos.BackendStatus;
import dev.kairos.Kairos;
import dev.kairos.cli.Sizes;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The figures of one benchmark run: one row per case and metric with the median and the range of
 * the measured runs, Realm's figure beside it and the target. Printed as a table for people and as
 * one JSON line for machines; both carry the same numbers.
 *
 * <p>A benchmark stopped by a signal still has a report, of what it measured: the cases completed,
 * the case whose runs were cut with the runs it has (its rows marked partial, none if it has no
 * measured run), and, named only, the cases never started. The table says so under it and the JSON
 * in {@code interrupted}, so that no reader takes the figures of a part for those of the whole.
 */
final class Report {
    private final String benchmark;
    private final Map<String, Object> parameters;
    private final int warmup;
    private final double warmupSeconds;
    private final int repeats;
    private final Environment environment;
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    /** The case (or the trial of several cases) whose runs a stop cut, null if none; its warm-up and measured runs done. */
    private String cut;
    private int cutWarmups;
    private int cutMeasured;
    /** The cases a stop kept from starting, in the order they would have run. */
    private final List<String> notStarted = new ArrayList<>();
    /** The CUDA backend's status in the first runtime the benchmark started; null before one started. */
    private BackendStatus cuda;

    Report(String benchmark, Map<String, Object> parameters, int warmup, double warmupSeconds, int repeats,
            Environment environment) {
        this.benchmark = benchmark;
        this.parameters = parameters;
        this.warmup = warmup;
        this.warmupSeconds = warmupSeconds;
        this.repeats = repeats;
        this.environment = environment;
    }

    /** One metric of one case: every measured sample, in run order. */
    record Row(String caseName, Metric metric, double[] samples) {
        double median() {
            double[] sorted = samples.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            if (n == 0) {
                return Double.NaN;
            }
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }

        double min() {
            return Arrays.stream(samples).min().orElse(Double.NaN);
        }

        double max() {
            return Arrays.stream(samples).max().orElse(Double.NaN);
        }

        /** How Kairos compares with Realm: above 1 means Kairos is better, whichever way the unit points. */
        double vsRealm() {
            Metric.Realm realm = metric.realm();
            if (realm == null) {
                return Double.NaN;
            }
            return metric.unit().higherIsBetter() ? median() / realm.median() : realm.median() / median();
        }

        /** Null when the metric has no target. */
        Boolean targetMet() {
            Metric.Target target = metric.target();
            return target == null ? null : target.metBy(median(), metric.unit());
        }
    }

    /**
     * Adds the rows of one case: {@code runs} holds one value per metric for each measured run; fewer
     * than the repeats asked for make them partial, none makes no rows (a median of nothing is no figure).
     */
    void add(String caseName, List<Metric> metrics, List<double[]> runs) {
        if (runs.isEmpty()) {
            return;
        }
        for (int m = 0; m < metrics.size(); m++) {
            double[] samples = new double[runs.size()];
            for (int r = 0; r < runs.size(); r++) {
                samples[r] = runs.get(r)[m];
            }
            rows.add(new Row(caseName, metrics.get(m), samples));
        }
    }

    /**
     * Records which GPUs (name, capability, memory) and which driver the benchmark's runtime found, or
     * why it found none, from the first runtime started: figures from different GPUs or drivers must
     * not be compared either.
     */
    void runtimeStarted(Kairos kairos) {
        if (cuda == null) {
            cuda = kairos.machine().backends().stream().filter(b -> b.name().equals("cuda")).findFirst().orElse(null);
        }
    }

    /** A stop ended the runs of {@code label} (a case, or one trial split into several) after these runs. */
    void cut(String label, int warmups, int measured) {
        cut = label;
        cutWarmups = warmups;
        cutMeasured = measured;
    }

    /** A stop came before {@code label} (a case, or one trial split into several) began. */
    void notStarted(String label) {
        notStarted.add(label);
    }

    /** Whether a stop cut a case or kept one from starting: then the figures are not those of the whole benchmark. */
    boolean interrupted() {
        return cut != null || !notStarted.isEmpty();
    }

    /** How far an interrupted benchmark got, e.g. "in case chained after 3 of 1 000 measured runs; not started: ungated". */
    String howFar() {
        StringBuilder s = new StringBuilder();
        if (cut != null) {
            s.append("in case ").append(cut).append(" after ");
            if (cutMeasured == 0) {
                s.append(Sizes.group(cutWarmups)).append(" warm-up run").append(cutWarmups == 1 ? "" : "s").append(" and ");
            }
            s.append(Sizes.group(cutMeasured)).append(" of ").append(Sizes.group(repeats)).append(" measured runs");
        } else if (!notStarted.isEmpty()) {
            s.append("before case ").append(notStarted.getFirst()).append(" started");
        } else {
            s.append("after its last case: every case complete");
        }
        if (!notStarted.isEmpty()) {
            s.append("; not started: ").append(String.join(", ", notStarted));
        }
        return s.toString();
    }

    /** Whether the row holds fewer runs than were asked for: the case was cut by a stop. */
    private boolean partial(Row row) {
        return row.samples().length < repeats;
    }

    /** A line printed under the table, e.g. what exactly a figure counts. */
    void note(String line) {
        notes.add(line);
    }

    void printHeader(PrintWriter out, String title) {
        out.println("kairos bench " + benchmark + ": " + title);
        out.printf(Locale.ROOT, "  machine     %s, %d cores; %s; %s; %s; load average %.2f at start%n", environment.cpu(),
                environment.cores(), environment.jdk(), environment.os(), environment.date(), environment.loadAverage());
        StringBuilder p = new StringBuilder();
        parameters.forEach((k, v) -> p.append(p.isEmpty() ? "" : ", ").append(k).append('=').append(v));
        out.println("  parameters  " + p);
        out.printf(Locale.ROOT, "  runs        warm-up (discarded): at least %d runs and %.1f s per case; then %d measured; "
                + "median and min-max of the measured runs%n", warmup, warmupSeconds, repeats);
        out.flush();
    }

    void printTable(PrintWriter out) {
        String[] head = {"case", "metric", "median", "min - max", "unit", "Realm", "vs Realm", "target"};
        List<String[]> lines = new ArrayList<>();
        lines.add(head);
        for (Row row : rows) {
            Unit unit = row.metric().unit();
            Metric.Realm realm = row.metric().realm();
            Metric.Target target = row.metric().target();
            Boolean met = row.targetMet();
            lines.add(new String[] {
                partial(row) ? row.caseName() + " (partial)" : row.caseName(),
                row.metric().name(),
                unit.format(row.median()),
                unit.format(row.min()) + " - " + unit.format(row.max()),
                unit.label(),
                realm == null ? "-" : unit.format(realm.median())
                        + (Double.isNaN(realm.min()) ? "" : " (" + unit.format(realm.min()) + " - " + unit.format(realm.max()) + ")"),
                realm == null ? "-" : String.format(Locale.ROOT, "%.2fx", row.vsRealm()),
                target == null ? "-" : target.describe(unit) + (met ? " met" : " NOT met")
            });
        }
        int[] width = new int[head.length];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        out.println();
        for (String[] line : lines) {
            StringBuilder s = new StringBuilder(" ");
            for (int i = 0; i < line.length; i++) {
                boolean numeric = i == 2 || i == 3 || i == 6;
                s.append(' ').append(numeric ? pad(line[i], width[i], true) : pad(line[i], width[i], false)).append(' ');
            }
            out.println(s.toString().stripTrailing());
        }
        Set<String> shapes = new LinkedHashSet<>();
        rows.stream().map(r -> r.metric().realm()).filter(r -> r != null).forEach(r -> shapes.add(r.shape()));
        out.println();
        if (interrupted()) {
            out.println("  interrupted " + howFar() + ".");
            if (cut != null) {
                out.println(cutMeasured == 0 ? "  no rows for " + cut + ": it was cut before its first measured run."
                        : "  rows marked (partial) hold only the " + Sizes.group(cutMeasured) + " measured runs of " + cut + ".");
            }
        }
        if (!shapes.isEmpty()) {
            out.println("  vs Realm: Kairos / Realm for rates, Realm / Kairos for times and sizes: above 1.00x Kairos is ahead.");
        }
        for (String shape : shapes) {
            out.println("  Realm: " + shape);
        }
        for (String note : notes) {
            out.println("  " + note);
        }
        if (cuda != null && cuda.available()) {
            out.println("  CUDA: " + cuda.detail());
        }
        out.flush();
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(width - s.length());
        return right ? fill + s : s + fill;
    }

    /** The same figures as the table, plus every sample, as one line of JSON. */
    String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("benchmark", benchmark);
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("cpu", environment.cpu());
        env.put("cores", environment.cores());
        env.put("jdk", environment.jdk());
        env.put("os", environment.os());
        env.put("date", environment.date().toString());
        env.put("loadAverage", environment.loadAverage());
        if (cuda != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("available", cuda.available());
            c.put("detail", cuda.detail());
            env.put("cuda", c);
        }
        root.put("environment", env);
        root.put("parameters", parameters);
        root.put("warmup", warmup);
        root.put("warmupSeconds", warmupSeconds);
        root.put("repeats", repeats);
        List<Object> out = new ArrayList<>();
        for (Row row : rows) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("case", row.caseName());
            r.put("metric", row.metric().name());
            r.put("unit", row.metric().unit().label());
            r.put("median", row.median());
            r.put("min", row.min());
            r.put("max", row.max());
            r.put("samples", row.samples());
            r.put("partial", partial(row));
            Metric.Realm realm = row.metric().realm();
            if (realm != null) {
                Map<String, Object> rm = new LinkedHashMap<>();
                rm.put("median", realm.median());
                rm.put("min", realm.min());
                rm.put("max", realm.max());
                rm.put("shape", realm.shape());
                r.put("realm", rm);
                r.put("vsRealm", row.vsRealm());
            }
            Metric.Target target = row.metric().target();
            if (target != null) {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put(row.metric().unit().higherIsBetter() ? "atLeast" : "atMost", target.value());
                t.put("met", row.targetMet());
                r.put("target", t);
            }
            out.add(r);
        }
        root.put("rows", out);
        root.put("interrupted", interrupted() ? interruption() : null);
        root.put("notes", notes);
        return Json.write(root);
    }

    /** The JSON of {@link #howFar}: the case cut (null if none) and its runs, and the cases not started. */
    private Map<String, Object> interruption() {
        Map<String, Object> i = new LinkedHashMap<>();
        i.put("case", cut);
        i.put("warmupRuns", cutWarmups);
        i.put("measuredRuns", cutMeasured);
        i.put("notStarted", notStarted);
        return i;
    }
}
