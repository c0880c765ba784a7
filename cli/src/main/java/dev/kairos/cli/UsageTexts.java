package dev.kairos.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * The usage help of every command and the version line, rendered at build time by the command line
 * itself, so that {@code ./kairos --help}, {@code ./kairos run --help} or {@code ./kairos --version}
 * print them without starting a JVM (the launcher reads them; see its comment).
 *
 * <p>Why: the answer is fixed at build time, but a JVM that starts, maps the AOT cache, and builds
 * picocli's model of the command to print it takes 0.3-1 s on this project's machines, twice to six
 * times the 0.15 s a user notices. The texts are the live command line's own output ({@link
 * Main#execute}), never written by hand, so they cannot drift from it; the build renders them after
 * the jar, and the launcher uses them only while the jar is not newer than they are.
 *
 * <p>What may differ from one run to the next is left out. A text that depends on the machine (the
 * default {@code --cpus} is the number of cores) is found by rendering twice, in JVMs that see
 * different numbers of processors ({@code -XX:ActiveProcessorCount}): the second run, given the first
 * one's folder, keeps only the texts both rendered alike. The version line names the JVM that rendered
 * it, which is written beside it for the launcher to compare with the JDK it found. What the launcher
 * cannot check (a terminal: picocli colours the text and fits it to the terminal's width; JVM options
 * from the environment) sends it to the live command line.
 *
 * <p>Usage: {@code UsageTexts DIR} renders into DIR; {@code UsageTexts DIR --keep-equal-to OTHER}
 * renders into DIR only the texts equal to OTHER's, then deletes OTHER.
 */
public final class UsageTexts {

    /** The file beside the texts that names the JVM which rendered them: its {@code Runtime.version()}. */
    static final String JAVA_VERSION_FILE = "java-version";

    private UsageTexts() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1 && !(args.length == 3 && args[1].equals("--keep-equal-to"))) {
            System.err.println("usage: UsageTexts DIR [--keep-equal-to OTHER]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Map<String, String> texts = render();
        Path other = args.length == 3 ? Path.of(args[2]) : null;
        int kept = 0;
        deleteTree(dir);
        for (Map.Entry<String, String> text : texts.entrySet()) {
            if (other != null) {
                Path there = other.resolve(text.getKey());
                if (!Files.exists(there) || !Files.readString(there).equals(text.getValue())) {
                    continue;
                }
            }
            Path file = dir.resolve(text.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, text.getValue());
            kept++;
        }
        Files.writeString(dir.resolve(JAVA_VERSION_FILE), Runtime.version() + "\n");
        if (other != null) {
            deleteTree(other);
        }
        System.out.println("[usage-texts] " + dir + ": " + kept + " of " + texts.size() + " texts");
    }

    /**
     * Every text, by its file name under the folder: {@code version.txt}, {@code help.txt} (the root's
     * usage), {@code run/help.txt}, {@code run/deferred-allocation/help.txt}, ...
     */
    static Map<String, String> render() {
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("version.txt", output("--version"));
        List<List<String>> paths = new ArrayList<>();
        paths(List.of(), paths);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            texts.put(String.join("/", path) + (path.isEmpty() ? "" : "/") + "help.txt", output(args.toArray(String[]::new)));
        }
        return texts;
    }

    /** Every command's path from the root, the root's ([]) first: each command's subcommands, as the command line lists them. */
    private static void paths(List<String> path, List<List<String>> into) {
        into.add(path);
        List<String> args = new ArrayList<>(path);
        args.add("--help");
        CommandLine line = CommandGroup.build(Main.spec(), args.toArray(String[]::new));
        for (String name : path) {
            line = line.getSubcommands().get(name);
        }
        for (String name : line.getSubcommands().keySet()) {
            List<String> longer = new ArrayList<>(path);
            longer.add(name);
            paths(longer, into);
        }
    }

    /** What the command line prints for {@code args}; it must succeed and print nothing to standard error. */
    static String output(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        if (code != CommandLine.ExitCode.OK || !err.toString().isEmpty()) {
            throw new IllegalStateException("kairos " + String.join(" ", args) + " exited with " + code + ": " + err);
        }
        return out.toString();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
