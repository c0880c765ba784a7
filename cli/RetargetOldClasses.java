import java.io.IOException;
import java.lang.classfile.ClassElement;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.MethodElement;
import java.lang.classfile.MethodModel;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Rewrites, in place, the jars given whose classes are older than Java 6 (class file version below 50)
 * into Java 8 class files (version 52) with stack maps, the same code otherwise. Run by the cli module's
 * {@code package} on {@code target/lib}, before the AOT cache is trained:
 * {@code java RetargetOldClasses.java JAR_OR_FOLDER...} (a folder: every jar in it).
 *
 * <p>Why: picocli's jar is compiled for Java 5. A JVM verifies such classes with the old type-inferring
 * verifier at every start, and JDK 25's AOT cache leaves them out ("Old class has been linked"), so the
 * 170-odd picocli classes every command needs were read, verified and interpreted at every start: about
 * a third of the CPU time of {@code kairos --help}. The same code with stack maps (computed here by the
 * JDK's class-file API from the jar's own class hierarchy) is verified by the split verifier and held
 * linked in the AOT cache. A jar with no old class is left untouched (not even rewritten), and a rewritten
 * one has none, so a second run changes nothing. Nothing but the version and the stack maps changes: every other element of
 * every class and every resource is copied as it was (a version-52 class with a wrong stack map would not
 * load: the test that runs this loads and initializes every class it writes).
 */
public final class RetargetOldClasses {
    static final int OLD_BELOW = 50;
    static final int TARGET = 52;

    public static void main(String[] args) throws IOException {
        for (String arg : args) {
            Path path = Path.of(arg);
            List<Path> jars;
            try (var list = Files.isDirectory(path) ? Files.list(path) : Stream.of(path)) {
                jars = list.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
            }
            for (Path jar : jars) {
                if (hasOldClasses(jar)) {
                    System.out.println("[retarget] " + jar.getFileName() + ": " + retarget(jar) + " classes to version " + TARGET);
                }
            }
        }
    }

    /** Whether a class of {@code jar} is older than Java 6: its header alone says (bytes 6-7, the major version). */
    static boolean hasOldClasses(Path jar) throws IOException {
        try (var in = new JarFile(jar.toFile())) {
            for (JarEntry entry : Collections.list(in.entries())) {
                if (entry.getName().endsWith(".class") && !entry.getName().startsWith("META-INF/")) {
                    byte[] header = in.getInputStream(entry).readNBytes(8);
                    if (header.length == 8 && ((header[6] & 0xff) << 8 | (header[7] & 0xff)) < OLD_BELOW) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Rewrites {@code jar} in place with its old classes retargeted; returns how many it rewrote. */
    static int retarget(Path jar) throws IOException {
        Path out = jar.resolveSibling(jar.getFileName() + ".retarget");
        int rewritten = 0;
        try (var loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
                var in = new JarFile(jar.toFile());
                var os = new JarOutputStream(Files.newOutputStream(out))) {
            ClassFile cf = ClassFile.of(
                    ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver()
                            .orElse(ClassHierarchyResolver.ofResourceParsing(loader))),
                    ClassFile.StackMapsOption.GENERATE_STACK_MAPS);
            for (JarEntry entry : Collections.list(in.entries())) {
                byte[] bytes = in.getInputStream(entry).readAllBytes();
                if (entry.getName().endsWith(".class") && !entry.getName().startsWith("META-INF/")) {
                    ClassModel model = cf.parse(bytes);
                    if (model.majorVersion() < OLD_BELOW) {
                        bytes = rebuild(cf, model);
                        rewritten++;
                    }
                }
                JarEntry copy = new JarEntry(entry.getName());
                copy.setTime(entry.getTime());
                os.putNextEntry(copy);
                os.write(bytes);
                os.closeEntry();
            }
        }
        Files.move(out, jar, StandardCopyOption.REPLACE_EXISTING);
        return rewritten;
    }

    /**
     * The class rebuilt element by element at version {@link #TARGET}, so that every method's code is
     * written anew and gets stack maps (a transform that only changes the version copies code as it is).
     */
    private static byte[] rebuild(ClassFile cf, ClassModel model) {
        return cf.build(model.thisClass().asSymbol(), cb -> {
            cb.withVersion(TARGET, 0);
            for (ClassElement ce : model) {
                if (ce instanceof ClassFileVersion) {
                    continue;
                }
                if (ce instanceof MethodModel method) {
                    cb.withMethod(method.methodName(), method.methodType(), method.flags().flagsMask(), mb -> {
                        for (MethodElement me : method) {
                            if (me instanceof CodeModel code) {
                                mb.withCode(xb -> {
                                    for (CodeElement element : code) {
                                        xb.with(element);
                                    }
                                });
                            } else {
                                mb.with(me);
                            }
                        }
                    });
                } else {
                    cb.with(ce);
                }
            }
        });
    }
}
