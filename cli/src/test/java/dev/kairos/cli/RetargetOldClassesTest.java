package dev.kairos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code cli/RetargetOldClasses.java}, which the build runs on {@code target/lib}: picocli's Java 5 classes
 * come out as Java 8 class files that the split verifier accepts, everything else as it was.
 */
class RetargetOldClassesTest {

    private static Map<String, byte[]> entries(Path jar) throws IOException {
        Map<String, byte[]> entries = new TreeMap<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (var entry : Collections.list(file.entries())) {
                entries.put(entry.getName(), file.getInputStream(entry).readAllBytes());
            }
        }
        return entries;
    }

    private static String retarget(Path jar) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "RetargetOldClasses.java", jar.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
        return output;
    }

    private static boolean isClass(String name) {
        return name.endsWith(".class") && !name.startsWith("META-INF/");
    }

    @Test
    void picocliComesOutAsJava8ClassesThatVerifyAndTheRestAsItWas(@TempDir Path dir) throws Exception {
        Path original = Path.of(CommandLine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path jar = dir.resolve("picocli.jar");
        Files.copy(original, jar);
        Map<String, byte[]> before = entries(original);
        assertThat(before.entrySet()).filteredOn(e -> isClass(e.getKey()))
                .allSatisfy(e -> assertThat(ClassFile.of().parse(e.getValue()).majorVersion()).isLessThan(50));

        assertThat(retarget(jar)).contains("picocli.jar: ").contains(" classes to version 52");

        Map<String, byte[]> after = entries(jar);
        assertThat(after.keySet()).containsExactlyElementsOf(before.keySet());
        int classes = 0;
        try (var loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            for (var entry : after.entrySet()) {
                String name = entry.getKey();
                if (!isClass(name)) {
                    assertThat(entry.getValue()).as(name).isEqualTo(before.get(name));
                    continue;
                }
                var model = ClassFile.of().parse(entry.getValue());
                assertThat(model.majorVersion()).as(name).isEqualTo(52);
                assertThat(model.methods()).as(name).hasSameSizeAs(ClassFile.of().parse(before.get(name)).methods());
                // Loading and initializing verifies it: a version-52 class without correct stack maps throws VerifyError.
                Class.forName(name.substring(0, name.length() - ".class".length()).replace('/', '.'), true, loader);
                classes++;
            }
        }
        assertThat(classes).isGreaterThan(150);
    }

    @Test
    void aJarWithNoOldClassIsLeftAsItWasSoASecondRunChangesNothing(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("picocli.jar");
        Files.copy(Path.of(CommandLine.class.getProtectionDomain().getCodeSource().getLocation().toURI()), jar);
        retarget(jar);
        byte[] before = Files.readAllBytes(jar);
        long time = Files.getLastModifiedTime(jar).toMillis();

        assertThat(retarget(jar)).isEmpty();
        assertThat(Files.readAllBytes(jar)).isEqualTo(before);
        assertThat(Files.getLastModifiedTime(jar).toMillis()).isEqualTo(time);
    }
}
