package dev.kairos.cli.report;

import dev.kairos.MemoryStats;
import dev.kairos.cli.Sizes;
import dev.kairos.tutorials.DeferredAllocation.Plan;
import dev.kairos.tutorials.TutorialRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The deferred-allocation report: one HTML file that needs nothing but itself (no script, no font,
 * no network), with the runs' summary, the memory in use over time of every run on one chart, and
 * the first batches of each run on a compact timeline. The charts are SVG drawn here.
 *
 * <p>The chart's parts carry classes a test or a stylesheet can find: {@code path.series} with
 * {@code data-run} per run, {@code g.peak} with its {@code text.peak-label}, {@code line.instance}
 * for one instance's bytes; the timelines are {@code svg.timeline} with {@code rect.task} and
 * {@code rect.instance}.
 */
public final class ReportPage {
    /** Batches shown on the timeline: a writer and a reader each. */
    public static final int TIMELINE_BATCHES = 6;
    /** Slices to read of each track for the timeline. */
    public static final int TIMELINE_SLICES = 2 * TIMELINE_BATCHES;
    /** Beyond this many changes, the memory chart draws each of its pixel columns' range instead of every step. */
    private static final int MAX_STEPS = 2_000;
    private static final int INSTANCE_LANES = 4;

    private static final String[] RUN_COLORS = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a"};
    private static final Map<String, String> TASK_COLORS = Map.of("writer", "#4c78a8", "reader", "#f58518");
    private static final String OTHER_TASK = "#54a24b";

    /**
     * One run to report.
     *
     * @param name what it is called on the page: {@code deferred}, {@code eager}
     * @param result the run's summary
     * @param timeline what its trace says
     */
    public record Run(String name, TutorialRun.Result result, RunTimeline timeline) {}

    private final StringBuilder html = new StringBuilder(1 << 16);
    private final List<Run> runs;
    private final Plan plan;
    private final long instance;

    private ReportPage(List<Run> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("a report needs at least one run");
        }
        this.runs = runs;
        this.plan = runs.getFirst().result().plan();
        this.instance = plan.instanceBytes();
    }

    /** Writes the page for {@code runs} (the first one's plan describes them all) to {@code file}. */
    public static void write(Path file, List<Run> runs, String generatedBy) throws IOException {
        Files.writeString(file, render(runs, generatedBy), StandardCharsets.UTF_8);
    }

    /** The page's text. */
    public static String render(List<Run> runs, String generatedBy) {
        return new ReportPage(runs).page(generatedBy);
    }

    private String page(String generatedBy) {
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Kairos: deferred allocation, ").append(esc(runNames())).append("</title>\n<style>\n")
                .append(STYLE).append("</style>\n</head>\n<body>\n");
        html.append("<h1>Deferred allocation: memory in use over time</h1>\n");
        html.append("<p class=\"plan\">").append(esc(Sizes.group(plan.batches()))).append(" batches, each one instance of ")
                .append(esc(Sizes.describe(instance))).append(" (").append(esc(Sizes.group(plan.bounds().volume())))
                .append(" points, ").append(plan.blockSize() == 1 ? "AoS" : "SoA").append(") in <b>")
                .append(esc(plan.memory().toString())).append("</b> (").append(esc(plan.memory().kind().toString()))
                .append(", capacity ").append(esc(Sizes.describe(plan.memory().capacity()))).append("), written and read on <b>")
                .append(esc(plan.processor().toString())).append("</b>.</p>\n");
        summary();
        memoryChart();
        timelines();
        html.append("<footer>").append(esc(generatedBy)).append("</footer>\n</body>\n</html>\n");
        return html.toString();
    }

    private String runNames() {
        return String.join(" and ", runs.stream().map(Run::name).toList());
    }

    // ---------------------------------------------------------------- summary

    private void summary() {
        html.append("<section id=\"summary\">\n<h2>Summary</h2>\n<table class=\"summary\">\n<thead><tr><th></th>");
        for (Run r : runs) {
            html.append("<th class=\"run\" style=\"color:").append(color(r)).append("\">").append(esc(r.name())).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        row("allocation", r -> r.result().plan().eager() ? "every instance created at once" : "each create waits on the previous batch");
        row("batches verified", r -> Sizes.group(r.result().verified()) + " / " + Sizes.group(r.result().plan().batches())
                + (r.result().failed() > 0 ? ", " + Sizes.group(r.result().failed()) + " failed" : ""));
        row("elapsed", r -> String.format(Locale.ROOT, "%.3f s", seconds(r)));
        row("rate", r -> seconds(r) > 0 ? String.format(Locale.ROOT, "%.1f batches/s", r.result().verified() / seconds(r)) : "-");
        row("peak memory use", r -> Sizes.describe(r.result().memory().peakUsed()) + " = "
                + instances(r.result().memory().peakUsed()) + " × one instance");
        row("allocations", r -> {
            MemoryStats m = r.result().memory();
            return Sizes.group(m.allocations()) + ", of which " + Sizes.group(m.deferredAllocations())
                    + " waited for a release; " + Sizes.group(m.failedAllocations()) + " failed";
        });
        html.append("</tbody>\n</table>\n</section>\n");
    }

    private void row(String label, Function<Run, String> cell) {
        html.append("<tr><th>").append(esc(label)).append("</th>");
        for (Run r : runs) {
            html.append("<td>").append(esc(cell.apply(r))).append("</td>");
        }
        html.append("</tr>\n");
    }

    private static double seconds(Run r) {
        return r.result().ran().toNanos() / 1e9;
    }

    private String instances(long bytes) {
        return instance == 0 ? "-" : String.format(Locale.ROOT, "%.2f", (double) bytes / instance);
    }

    private String color(Run r) {
        return RUN_COLORS[runs.indexOf(r) % RUN_COLORS.length];
    }

    // ---------------------------------------------------------------- memory chart

    private static final int W = 960;
    private static final int H = 420;
    private static final int LEFT = 88;
    private static final int RIGHT = 72;
    private static final int TOP = 36;
    private static final int BOTTOM = 56;

    private void memoryChart() {
        double xMax = 0; // milliseconds since each run's first allocation
        long yMaxBytes = instance;
        for (Run r : runs) {
            RunTimeline t = r.timeline();
            if (t.points() > 0) {
                xMax = Math.max(xMax, (t.time(t.points() - 1) - t.time(0)) / 1000);
            }
            yMaxBytes = Math.max(yMaxBytes, t.peak());
        }
        double[] xTicks = ticks(xMax > 0 ? xMax : 1);
        double xTop = xTicks[xTicks.length - 1];
        String unit = binaryUnit(yMaxBytes * 1.08);
        double unitBytes = unitBytes(unit);
        double[] yTicks = ticks(yMaxBytes * 1.08 / unitBytes);
        double yTop = yTicks[yTicks.length - 1] * unitBytes;

        html.append("<section id=\"memory\">\n<h2>Memory in use</h2>\n")
                .append("<p>Bytes held by live instances of ").append(esc(plan.memory().toString()))
                .append(" from each run's first allocation on. Deferred allocation gives an instance its bytes when its writer can run "
                        + "and takes them back after its reader, so it holds one batch at a time; the eager loop creates every instance "
                        + "first and holds them until their readers are done.</p>\n");
        html.append("<svg id=\"memory-chart\" class=\"chart\" viewBox=\"0 0 ").append(W).append(' ').append(H)
                .append("\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" role=\"img\" aria-label=\"memory in use over time\">\n");
        int plotW = W - LEFT - RIGHT;
        int plotH = H - TOP - BOTTOM;
        // grid and axes
        html.append("<g class=\"axis y\">\n");
        for (double v : yTicks) {
            double y = TOP + plotH - v * unitBytes / yTop * plotH;
            html.append(line(LEFT, y, LEFT + plotW, y, "grid"))
                    .append(text(LEFT - 8, y + 4, "end", "tick", num(v) + " " + unit));
        }
        html.append(text(18, TOP + plotH / 2.0, "middle", "axis-title", "bytes in use", "rotate(-90 18 " + (TOP + plotH / 2.0) + ")"));
        html.append("</g>\n<g class=\"axis x\">\n");
        for (double v : xTicks) {
            double x = LEFT + v / xTop * plotW;
            html.append(line(x, TOP + plotH, x, TOP + plotH + 5, "tick-mark"))
                    .append(text(x, TOP + plotH + 20, "middle", "tick", num(v)));
        }
        html.append(text(LEFT + plotW / 2.0, H - 12, "middle", "axis-title", "milliseconds since the run's first allocation"));
        html.append(line(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH, "axis-line")).append("</g>\n");
        // right axis: instances
        html.append("<g class=\"axis instances\">\n");
        double[] iTicks = ticks(yTop / Math.max(1, instance));
        for (double v : iTicks) {
            double y = TOP + plotH - v * instance / yTop * plotH;
            if (y >= TOP - 1) {
                html.append(text(LEFT + plotW + 8, y + 4, "start", "tick", num(v) + "×"));
            }
        }
        html.append(text(W - 14, TOP + plotH / 2.0, "middle", "axis-title", "instances",
                "rotate(90 " + (W - 14) + " " + (TOP + plotH / 2.0) + ")"));
        html.append("</g>\n");
        // one instance
        double yInstance = TOP + plotH - (double) instance / yTop * plotH;
        html.append("<g class=\"instance-mark\">").append(line(LEFT, yInstance, LEFT + plotW, yInstance, "instance"))
                .append(text(LEFT + plotW - 4, yInstance - 6, "end", "instance-label", "one instance = " + Sizes.human(instance)))
                .append("</g>\n");
        // series and peaks
        List<double[]> labelBoxes = new ArrayList<>();
        labelBoxes.add(new double[] {LEFT + plotW - 8 - 7.0 * ("one instance = " + Sizes.human(instance)).length(), yInstance - 20,
            LEFT + plotW, yInstance - 2});
        for (Run r : runs) {
            series(r, xTop, yTop, plotW, plotH);
        }
        for (Run r : runs) {
            peak(r, xTop, yTop, plotW, plotH, labelBoxes);
        }
        // legend
        html.append("<g class=\"legend\">\n");
        double lx = LEFT + 12;
        for (Run r : runs) {
            html.append("<line x1=\"").append(num(lx)).append("\" y1=\"").append(TOP - 16).append("\" x2=\"").append(num(lx + 22))
                    .append("\" y2=\"").append(TOP - 16).append("\" stroke=\"").append(color(r)).append("\" stroke-width=\"3\"/>")
                    .append(text(lx + 28, TOP - 12, "start", "legend-label", r.name()));
            lx += 40 + 8 * r.name().length() + 20;
        }
        html.append("</g>\n</svg>\n</section>\n");
    }

    private void series(Run r, double xTop, double yTop, int plotW, int plotH) {
        RunTimeline t = r.timeline();
        StringBuilder d = new StringBuilder();
        if (t.points() > 0) {
            double origin = t.time(0);
            double y0 = TOP + plotH;
            d.append("M").append(num(LEFT)).append(' ').append(num(y0));
            if (t.points() <= MAX_STEPS) {
                for (int i = 0; i < t.points(); i++) {
                    double x = LEFT + (t.time(i) - origin) / 1000 / xTop * plotW;
                    double y = TOP + plotH - t.bytes(i) / yTop * plotH;
                    d.append(" H").append(num(x)).append(" V").append(num(y));
                }
            } else {
                // Too many steps to draw one by one: per pixel column, the range the use spans there
                // and the value it leaves the column with. Every peak stays visible.
                int i = 0;
                for (int column = 0; column < plotW && i < t.points(); column++) {
                    double columnEnd = (column + 1) / (double) plotW * xTop * 1000 + origin;
                    long min = Long.MAX_VALUE;
                    long max = Long.MIN_VALUE;
                    long last = 0;
                    for (; i < t.points() && t.time(i) < columnEnd; i++) {
                        min = Math.min(min, t.bytes(i));
                        max = Math.max(max, t.bytes(i));
                        last = t.bytes(i);
                    }
                    if (max >= 0 && min != Long.MAX_VALUE) {
                        double x = LEFT + column;
                        d.append(" H").append(num(x)).append(" V").append(num(TOP + plotH - max / yTop * plotH))
                                .append(" V").append(num(TOP + plotH - min / yTop * plotH))
                                .append(" V").append(num(TOP + plotH - last / yTop * plotH));
                    }
                }
            }
        }
        html.append("<path class=\"series\" data-run=\"").append(esc(r.name())).append("\" data-points=\"").append(t.points())
                .append("\" fill=\"none\" stroke=\"").append(color(r)).append("\" stroke-width=\"2\" d=\"").append(d)
                .append("\"><title>").append(esc(r.name())).append(": bytes in use</title></path>\n");
    }

    private void peak(Run r, double xTop, double yTop, int plotW, int plotH, List<double[]> taken) {
        RunTimeline t = r.timeline();
        int at = t.peakIndex();
        if (at < 0) {
            return;
        }
        long peak = t.bytes(at);
        double x = LEFT + (t.time(at) - t.time(0)) / 1000 / xTop * plotW;
        double y = TOP + plotH - peak / yTop * plotH;
        String label = r.name() + " peak " + Sizes.human(peak) + " = " + instances(peak) + " instance" + (peak == instance ? "" : "s");
        double width = 7.2 * label.length();
        boolean right = x + 10 + width <= LEFT + plotW;
        double tx = right ? x + 10 : x - 10;
        double ty = y - 10 < TOP + 14 ? y + 22 : y - 10;
        for (int guard = 0; guard < 8 && overlaps(taken, right ? tx : tx - width, ty - 14, width); guard++) {
            ty += ty + 24 > TOP + plotH ? -24 : 24;
        }
        taken.add(new double[] {right ? tx : tx - width, ty - 14, (right ? tx : tx - width) + width, ty + 4});
        html.append("<g class=\"peak\" data-run=\"").append(esc(r.name())).append("\">")
                .append("<circle cx=\"").append(num(x)).append("\" cy=\"").append(num(y)).append("\" r=\"4.5\" fill=\"")
                .append(color(r)).append("\"/>")
                .append("<text class=\"peak-label\" data-run=\"").append(esc(r.name())).append("\" data-bytes=\"").append(peak)
                .append("\" x=\"").append(num(tx)).append("\" y=\"").append(num(ty)).append("\" text-anchor=\"")
                .append(right ? "start" : "end").append("\" fill=\"").append(color(r)).append("\">").append(esc(label))
                .append("</text></g>\n");
    }

    private static boolean overlaps(List<double[]> boxes, double x, double y, double width) {
        for (double[] b : boxes) {
            if (x < b[2] && b[0] < x + width && y < b[3] && b[1] < y + 18) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- timelines

    private void timelines() {
        html.append("<section id=\"timeline\">\n<h2>The first batches</h2>\n")
                .append("<p>Each processor's first tasks and the lives of the first instances in ")
                .append(esc(plan.memory().toString()))
                .append(", from each run's first task on. A task's bar lasts until it leaves its processor, the events its end "
                        + "triggers included; an instance's bar runs from its allocation to its release.</p>\n");
        for (Run r : runs) {
            timeline(r);
        }
        html.append("</section>\n");
    }

    private void timeline(Run r) {
        RunTimeline t = r.timeline();
        List<String> rows = new ArrayList<>(t.processors().keySet());
        List<RunTimeline.Slice> bars = new ArrayList<>();
        t.processors().values().forEach(bars::addAll);
        double start = bars.stream().mapToDouble(RunTimeline.Slice::begin).min().orElse(0);
        double end = bars.stream().mapToDouble(RunTimeline.Slice::end).max().orElse(start + 1);
        List<RunTimeline.Slice> lives = t.instances().stream().filter(s -> s.begin() < end && s.end() > start).toList();
        List<String> laneNames = lives.stream().map(RunTimeline.Slice::track).distinct()
                .sorted(Comparator.comparingInt(ReportPage::laneNumber)).limit(INSTANCE_LANES).toList();
        int rowH = 26;
        int labelW = 170;
        int w = W;
        boolean moreLanes = t.lanes() > laneNames.size();
        int h = 30 + rowH * (rows.size() + laneNames.size()) + 30 + (moreLanes ? 20 : 0);
        double span = Math.max(end - start, 1e-3);
        double plotW = w - labelW - 20;
        html.append("<h3 style=\"color:").append(color(r)).append("\">").append(esc(r.name())).append("</h3>\n");
        html.append("<svg class=\"timeline\" data-run=\"").append(esc(r.name())).append("\" viewBox=\"0 0 ").append(w).append(' ')
                .append(h).append("\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" role=\"img\" aria-label=\"first batches of the ").append(esc(r.name()))
                .append(" run\">\n");
        int y = 20;
        for (String row : rows) {
            html.append(text(labelW - 8, y + rowH / 2.0 + 4, "end", "row-label", row));
            for (RunTimeline.Slice s : t.processors().get(row).stream().sorted(Comparator.comparingDouble(RunTimeline.Slice::begin)).toList()) {
                String task = s.name().split(" ", 2)[0];
                bar(s, "task", TASK_COLORS.getOrDefault(task, OTHER_TASK), labelW + (s.begin() - start) / span * plotW,
                        Math.max(1, (s.end() - s.begin()) / span * plotW), y + 3, rowH - 6);
            }
            y += rowH;
        }
        for (String lane : laneNames) {
            html.append(text(labelW - 8, y + rowH / 2.0 + 4, "end", "row-label", plan.memory() + " " + lane));
            for (RunTimeline.Slice s : lives) {
                if (s.track().equals(lane)) {
                    // Cut to the window: an eager instance may live long before and after it.
                    double x = labelW + Math.max(0, s.begin() - start) / span * plotW;
                    double width = Math.max(1, (Math.min(end, s.end()) - Math.max(start, s.begin())) / span * plotW);
                    bar(s, "instance", "#9ecae9", x, width, y + 5, rowH - 10);
                }
            }
            y += rowH;
        }
        double[] xTicks = ticks(span / 1000);
        for (double v : xTicks) {
            double x = labelW + v * 1000 / span * plotW;
            if (x <= labelW + plotW + 1) {
                html.append(line(x, 14, x, y, "grid")).append(text(x, y + 16, "middle", "tick", num(v) + " ms"));
            }
        }
        if (moreLanes) {
            html.append(text(labelW, y + 38, "start", "note", laneNames.size() + " of the " + t.lanes()
                    + " instance lanes shown: up to " + t.lanes() + " instances were alive at once"));
        }
        html.append("</svg>\n");
    }

    private void bar(RunTimeline.Slice s, String cls, String fill, double x, double width, double y, double height) {
        String name = s.name();
        html.append("<g><rect class=\"").append(cls).append("\" x=\"").append(num(x)).append("\" y=\"").append(num(y))
                .append("\" width=\"").append(num(width)).append("\" height=\"").append(num(height)).append("\" fill=\"")
                .append(fill).append("\"><title>").append(esc(name)).append(String.format(Locale.ROOT, ", %.1f µs", s.end() - s.begin()))
                .append("</title></rect>");
        String shortName = cls.equals("task") ? shortTask(name) : name.split(" ", 2)[0];
        if (width > 7.0 * shortName.length() + 6) {
            html.append(text(x + width / 2, y + height / 2 + 4, "middle", "bar-label", shortName));
        }
        html.append("</g>\n");
    }

    /** {@code instances #12}: 12. */
    private static int laneNumber(String track) {
        return Integer.parseInt(track.substring(track.lastIndexOf('#') + 1));
    }

    /** {@code writer batch 3} as {@code w3}; any other name as it is. */
    private static String shortTask(String name) {
        String[] words = name.split(" ");
        if (words.length == 3 && words[1].equals("batch")) {
            return words[0].charAt(0) + words[2];
        }
        return name;
    }

    // ---------------------------------------------------------------- drawing helpers

    /** Round steps (1, 2 or 5 times a power of ten) from 0 past {@code max}: at most about 7. */
    static double[] ticks(double max) {
        double rough = max / 5;
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        double step = rough / power < 1.5 ? power : rough / power < 3.5 ? 2 * power : rough / power < 7.5 ? 5 * power : 10 * power;
        int n = (int) Math.ceil(max / step - 1e-9);
        double[] t = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            t[i] = i * step;
        }
        return t;
    }

    private static String binaryUnit(double bytes) {
        return bytes >= 1 << 30 ? "GiB" : bytes >= 1 << 20 ? "MiB" : bytes >= 1 << 10 ? "KiB" : "B";
    }

    private static double unitBytes(String unit) {
        return switch (unit) {
            case "GiB" -> 1 << 30;
            case "MiB" -> 1 << 20;
            case "KiB" -> 1 << 10;
            default -> 1;
        };
    }

    private static String line(double x1, double y1, double x2, double y2, String cls) {
        return "<line class=\"" + cls + "\" x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) + "\"/>";
    }

    private static String text(double x, double y, String anchor, String cls, String content) {
        return text(x, y, anchor, cls, content, null);
    }

    private static String text(double x, double y, String anchor, String cls, String content, String transform) {
        return "<text class=\"" + cls + "\" x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\""
                + (transform == null ? "" : " transform=\"" + transform + "\"") + ">" + esc(content) + "</text>";
    }

    /** A number with at most two decimals and none that are zero. */
    static String num(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String STYLE = """
            body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #222;
                   margin: 24px auto; max-width: 1000px; padding: 0 16px; line-height: 1.45; }
            h1 { font-size: 1.5em; margin-bottom: 0.2em; }
            h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
            h3 { font-size: 1em; margin: 1em 0 0.2em; }
            p.plan { color: #444; }
            table.summary { border-collapse: collapse; font-variant-numeric: tabular-nums; }
            table.summary th, table.summary td { text-align: left; padding: 4px 14px 4px 0; border-bottom: 1px solid #eee; }
            table.summary thead th.run { font-size: 1.05em; }
            svg { display: block; max-width: 100%; height: auto; font-size: 12px; }
            .grid { stroke: #e6e6e6; stroke-width: 1; }
            .axis-line, .tick-mark { stroke: #888; stroke-width: 1; }
            .tick { fill: #555; font-variant-numeric: tabular-nums; }
            .axis-title { fill: #333; font-size: 13px; }
            .instance { stroke: #555; stroke-width: 1.2; stroke-dasharray: 6 4; }
            .instance-label { fill: #555; font-size: 12px; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
            .peak-label { font-size: 13px; font-weight: 600; paint-order: stroke; stroke: #fff; stroke-width: 4px; }
            .legend-label { fill: #333; font-size: 13px; }
            .row-label { fill: #333; }
            .bar-label { fill: #fff; font-size: 11px; font-weight: 600; pointer-events: none; }
            rect.instance { stroke: #4a89c0; stroke-width: 1; }
            .note { fill: #777; font-style: italic; }
            footer { margin-top: 2em; color: #888; font-size: 0.85em; }
            """;
}
