package dev.kairos.moduletest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kairos as a module user meets it: a program in a module that requires only
 * {@code dev.kairos.core} runs on the module path, and the runtime's internals are out of its
 * reach, at compile time and by reflection. Each program runs in a JVM of its own on exactly the
 * module path a user would give ({@code kairos.module.path}: kairos-core, kairos-cpu, SLF4J's API
 * and this module), so nothing of the test JVM's set-up helps it.
 */
class ModuleBoundaryTest {
    private static final String MODULE_PATH = System.getProperty("kairos.module.path");

    @Test
    void aProgramOnTheModulePathRunsEventsTasksInstancesAndCopies() throws Exception {
        Run run = java("-m", "dev.kairos.moduletest/dev.kairos.moduletest.TutorialLoop", "8");
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output())
                .contains("modules dev.kairos.core dev.kairos.moduletest, backends [cpu: ")
                .contains("verified 8 batches");
    }

    @Test
    void theBackendIsFoundAsAServiceOnTheModulePath() throws Exception {
        Run run = java("--show-module-resolution", "-m", "dev.kairos.moduletest/dev.kairos.moduletest.TutorialLoop", "1");
        assertThat(run.exitCode()).as(run.output()).isZero();
        // Service binding: core's `uses Backend` pulls in the module that provides one, unnamed by the program.
        assertThat(run.output()).contains("dev.kairos.core binds dev.kairos.cpu file:");
    }

    @Test
    void reflectionCannotReachTheInternals() throws Exception {
        Run run = java("-m", "dev.kairos.moduletest/dev.kairos.moduletest.ReachInside");
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output())
                .contains("loaded dev.kairos.internal.event.EventImpl from module dev.kairos.core")
                .contains("setAccessible java.lang.reflect.InaccessibleObjectException: Unable to make public final boolean"
                        + " dev.kairos.internal.event.EventImpl.triggerNow() accessible: module dev.kairos.core does not"
                        + " \"exports dev.kairos.internal.event\" to module dev.kairos.moduletest")
                .contains("invoke java.lang.IllegalAccessException: class dev.kairos.moduletest.ReachInside (in module"
                        + " dev.kairos.moduletest) cannot access class dev.kairos.internal.event.EventImpl (in module"
                        + " dev.kairos.core) because module dev.kairos.core does not export dev.kairos.internal.event to"
                        + " module dev.kairos.moduletest")
                .doesNotContain("ALLOWED");
    }

    @Test
    void aModuleCannotCompileAgainstTheInternals(@TempDir Path dir) throws IOException {
        List<String> errors = compileUserModule(dir, "Peek", """
                package user;

                import dev.kairos.Event;
                import dev.kairos.internal.event.EventImpl;

                class Peek {
                    static boolean forge(Event e) {
                        return ((EventImpl) e).triggerNow();
                    }
                }
                """);
        assertThat(errors).anySatisfy(e -> assertThat(e)
                .contains("package dev.kairos.internal.event is not visible")
                .contains("is declared in module dev.kairos.core, which does not export it"));
    }

    @Test
    void aModuleCannotImplementTheSealedHandles(@TempDir Path dir) throws IOException {
        List<String> errors = compileUserModule(dir, "Forged", """
                package user;

                import dev.kairos.Event;

                abstract class Forged implements Event {
                }
                """);
        assertThat(errors).anySatisfy(e -> assertThat(e)
                .contains("class is not allowed to extend sealed class: dev.kairos.Event"));
    }

    @Test
    void aModuleCompilesAgainstTheApi(@TempDir Path dir) throws IOException {
        List<String> errors = compileUserModule(dir, "Fine", """
                package user;

                import dev.kairos.Event;

                class Fine {
                    static boolean done(Event e) {
                        return e.hasTriggered();
                    }
                }
                """);
        assertThat(errors).isEmpty();
    }

    @Test
    void kairosCoreExportsTheApiAndTheSpiOnly() throws IOException {
        Path core = Path.of(System.getProperty("kairos.core.artifact"));
        ModuleDescriptor descriptor = ModuleFinder.of(core).findAll().iterator().next().descriptor();
        assertThat(descriptor.name()).isEqualTo("dev.kairos.core");
        assertThat(descriptor.exports()).filteredOn(e -> !e.isQualified()).extracting(ModuleDescriptor.Exports::source)
                .containsExactlyInAnyOrder("dev.kairos", "dev.kairos.spi");
        // Internals go to the JMH benchmarks alone, which measure them (bench/src/main/java/module-info.java).
        assertThat(descriptor.exports()).filteredOn(ModuleDescriptor.Exports::isQualified)
                .allSatisfy(e -> assertThat(e.targets()).as(e.source()).containsExactly("dev.kairos.bench"));
        assertThat(descriptor.opens()).isEmpty();
        assertThat(descriptor.isOpen()).isFalse();
        if (Files.isRegularFile(core)) {
            // What `jar --describe-module` prints of the built jar: unqualified exports, exactly these two.
            StringWriter out = new StringWriter();
            int status = ToolProvider.findFirst("jar").orElseThrow()
                    .run(new PrintWriter(out), new PrintWriter(out), "--describe-module", "--file", core.toString());
            assertThat(status).as(out.toString()).isZero();
            assertThat(out.toString().lines().filter(l -> l.startsWith("exports ")).toList())
                    .containsExactlyInAnyOrder("exports dev.kairos", "exports dev.kairos.spi");
            assertThat(out.toString()).doesNotContain("opens ");
        }
    }

    /** Compiles {@code module user { requires dev.kairos.core; }} with one class against kairos-core; returns the errors. */
    private static List<String> compileUserModule(Path dir, String className, String source) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src/user"));
        Files.writeString(dir.resolve("src/module-info.java"), "module user { requires dev.kairos.core; }\n");
        Files.writeString(src.resolve(className + ".java"), source);
        JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            Iterable<? extends JavaFileObject> units = files.getJavaFileObjects(dir.resolve("src/module-info.java"), src.resolve(className + ".java"));
            List<String> options = List.of("--module-path", MODULE_PATH, "-d", Files.createDirectories(dir.resolve("out")).toString());
            javac.getTask(null, files, diagnostics, options, null, units).call();
        }
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                errors.add(d.getMessage(Locale.ROOT));
            }
        }
        return errors;
    }

    private record Run(int exitCode, String output) {}

    private static Run java(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=dev.kairos.cpu", "--module-path", MODULE_PATH));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        process.getInputStream().transferTo(output);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the program ended").isTrue();
        return new Run(process.exitValue(), output.toString(StandardCharsets.UTF_8));
    }
}
