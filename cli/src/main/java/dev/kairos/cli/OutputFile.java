package dev.kairos.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * A file an option asks a command to write ({@code --trace}, {@code --report}): checked before the
 * command starts its work, so that a path that cannot be written is a bad option found at once
 * rather than a failure after the whole run; and the cause of a failure to write it, in words.
 */
public final class OutputFile {
    private OutputFile() {}

    /**
     * @throws ParameterException naming {@code option}, {@code file} and why, if {@code file} is a
     *     directory, an existing file this process may not write, or a new file whose folder does
     *     not exist, is no folder or may not be written in
     */
    public static void checkWritable(CommandLine line, String option, Path file) {
        String named = option + " " + file + ": ";
        if (Files.isDirectory(file)) {
            throw new ParameterException(line, named + "is a directory; name a file");
        }
        if (Files.exists(file)) {
            if (!Files.isWritable(file)) {
                throw new ParameterException(line, named + "permission denied");
            }
            return;
        }
        Path folder = folder(file);
        if (!Files.exists(folder)) {
            throw new ParameterException(line, named + "no such directory " + folder);
        }
        if (!Files.isDirectory(folder)) {
            throw new ParameterException(line, named + folder + " is not a directory");
        }
        if (!Files.isWritable(folder)) {
            throw new ParameterException(line, named + "cannot create a file in " + folder + ": permission denied");
        }
    }

    /** Whether {@code a} and {@code b} name one file, however each is spelled. */
    static boolean same(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            return true;
        }
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * What became of {@code trace} once an interrupted command's runtime closed: {@code trace t.json
     * finished with what ran}, or {@code trace t.json failed, incomplete: ...} where a write failed.
     */
    public static String interruptedTrace(Path trace, Optional<IOException> failure) {
        return "trace " + trace + failure.map(e -> " " + incomplete(e)).orElse(" finished with what ran");
    }

    /** What became of a file whose writing failed part way: {@code failed, incomplete: No space left on device}. */
    public static String incomplete(IOException e) {
        return "failed, incomplete: " + cause(e);
    }

    /**
     * Why writing failed, in words: the message of a file-system exception is often the path alone
     * ({@code NoSuchFileException: /nonexistent/r.html}), which says where but not what went wrong.
     */
    public static String cause(IOException e) {
        if (e instanceof NoSuchFileException missing && missing.getFile() != null) {
            Path file = Path.of(missing.getFile());
            Path folder = folder(file);
            if (!Files.exists(folder)) {
                return "no such directory " + folder;
            }
            if (!Files.isDirectory(folder)) {
                return folder + " is not a directory";
            }
            return "no such file " + file;
        }
        // instanceof rather than a pattern switch, which links code generated at run time (CommandGroup says why).
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "the file exists already";
        }
        if (e instanceof FileSystemException) {
            return e.getClass().getSimpleName();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** The folder {@code file} is in, the working directory for a bare name. */
    private static Path folder(Path file) {
        Path parent = file.getParent();
        return parent != null ? parent : file.toAbsolutePath().getParent();
    }
}
