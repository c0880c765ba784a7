package dev.kairos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.FileVisitResult;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The design lives in the repository: a reader who has only the checkout finds every note a source,
 * script or document cites. No file cites a folder beside the checkout (the design notes this
 * project started from lived there), and every note cited by name (an upper-case name ending in
 * {@code .md}) is a file of the repository.
 *
 * <p>Every text file under the repository root is read, except build outputs and tool state. The
 * root is found from the working directory (Maven runs tests in the module's folder) as the nearest
 * folder holding {@code mvnw}, {@code pom.xml} and {@code docs/}; without one the test fails rather
 * than pass having read nothing.
 */
class SelfContainedDocsTest {
    /** Folders that hold build outputs or tool state, never sources. */
    private static final Set<String> SKIPPED_FOLDERS = Set.of(".git", "target", "dist", ".idea", ".vscode", "node_modules");

    /** Citations of the folder beside the checkout, written in two pieces so that this file does not cite it. */
    private static final List<String> OUTSIDE = List.of(".." + "/shared/", "shared" + "/design");

    private static final Pattern NOTE = Pattern.compile("\\b[A-Z][A-Z0-9_-]*\\.md\\b");

    /** Larger files are data (committed PTX is under 1 MB), not something a reader follows. */
    private static final long MAX_TEXT_BYTES = 4L << 20;

    @Test
    void everyNoteAFileCitesIsInTheRepository() throws IOException {
        Path root = repositoryRoot();
        List<Path> files = textFiles(root);
        assertThat(files).as("text files found under " + root).extracting(f -> root.relativize(f).toString().replace('\\', '/'))
                .contains("README.md", "docs/ARCHITECTURE.md", "docs/DEFERRED_ALLOCATION.md", "core/src/main/java/dev/kairos/package-info.java");

        Set<String> notes = new TreeSet<>();
        for (Path f : files) {
            if (f.getFileName().toString().endsWith(".md")) {
                notes.add(f.getFileName().toString());
            }
        }
        List<String> problems = new ArrayList<>();
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                String where = root.relativize(f) + ":" + (i + 1) + ": ";
                for (String outside : OUTSIDE) {
                    if (line.contains(outside)) {
                        problems.add(where + "cites " + outside + ", outside the repository: " + line.strip());
                    }
                }
                Matcher note = NOTE.matcher(line);
                while (note.find()) {
                    if (!notes.contains(note.group())) {
                        problems.add(where + "cites " + note.group() + ", which is no file of the repository: " + line.strip());
                    }
                }
            }
        }
        assertThat(problems).as("citations a reader of the repository cannot follow (cite docs/ instead)").isEmpty();
    }

    private static Path repositoryRoot() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isRegularFile(dir.resolve("pom.xml"))
                    && Files.isDirectory(dir.resolve("docs"))) {
                return dir;
            }
        }
        return fail("no folder at or above the working directory " + start + " holds mvnw, pom.xml and docs/:"
                + " run this test from inside the repository (Maven does)");
    }

    /** Every regular file under {@code root}, outside the skipped folders, that reads as UTF-8 text. */
    private static List<Path> textFiles(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                return !dir.equals(root) && SKIPPED_FOLDERS.contains(dir.getFileName().toString())
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (attributes.isRegularFile() && attributes.size() <= MAX_TEXT_BYTES && isText(Files.readAllBytes(file))) {
                    files.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return files;
    }

    private static boolean isText(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return false;
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
