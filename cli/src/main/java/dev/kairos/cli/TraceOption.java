package dev.kairos.cli;

import dev.kairos.KairosConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code --trace FILE}: where a command's runtime writes its timeline; a mixin built in code, added as
 * {@link RuntimeOptions} is. A command that starts several
 * runtimes (deferred and eager) gives each but the first a variant, written beside FILE with the
 * variant before the extension: {@code t.json}, {@code t-eager.json}; the option's help says so only
 * on such a command ({@link #mixin()} against {@link #oneRuntimeMixin()}).
 */
public final class TraceOption {
    Path file;

    /**
     * The option of a command that may also run the eager loop on a second runtime, bound to this
     * object's field, for a command to add as a mixin (built in code: {@link Specs}).
     */
    public CommandSpec mixin() {
        return mixin(" Where the eager loop runs on a second runtime, that one writes beside it, -eager before the extension "
                + "(t.json, t-eager.json).");
    }

    /** The option of a command that starts one runtime, as {@link #mixin()} gives it. */
    public CommandSpec oneRuntimeMixin() {
        return mixin("");
    }

    private CommandSpec mixin(String secondRuntime) {
        CommandSpec mixin = CommandSpec.wrapWithoutInspection(this);
        mixin.addOption(Specs.option("--trace", Path.class, () -> file, v -> file = v).paramLabel("FILE")
                .description("Write the run's timeline to FILE, in the Trace Event Format that ui.perfetto.dev and chrome://tracing "
                        + "open: a track per processor with a slice per task, per memory its instances and bytes in use, the "
                        + "allocation decisions, copies and fills." + secondRuntime + " Off by default.").build());
        return mixin;
    }

    /** The trace file of the runtime called {@code variant} (null: the first, or only, one), if one was asked for. */
    public Optional<Path> path(String variant) {
        return Optional.ofNullable(file).map(f -> variant == null ? f : sibling(f, variant));
    }

    /**
     * The trace files the command will write, each checked before it starts its work: {@code --trace}'s,
     * and with {@code secondRuntime} the eager runtime's beside it; none without {@code --trace}.
     *
     * @throws CommandLine.ParameterException naming {@code --trace}, if one cannot be written ({@link OutputFile#checkWritable})
     */
    public List<Path> checkWritable(CommandLine line, boolean secondRuntime) {
        List<Path> files = new ArrayList<>();
        path(null).ifPresent(files::add);
        if (secondRuntime) {
            path("eager").ifPresent(files::add);
        }
        for (Path f : files) {
            OutputFile.checkWritable(line, "--trace", f);
        }
        return files;
    }

    /** {@code config} tracing to {@link #path(String)}; unchanged without {@code --trace}. */
    public KairosConfig apply(KairosConfig config, String variant) {
        return path(variant).map(p -> config.toBuilder().trace(p).build()).orElse(config);
    }

    /** {@code dir/t.json} with variant {@code eager}: {@code dir/t-eager.json}. */
    static Path sibling(Path file, String variant) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String renamed = dot > 0 ? name.substring(0, dot) + "-" + variant + name.substring(dot) : name + "-" + variant;
        return file.resolveSibling(renamed);
    }
}
