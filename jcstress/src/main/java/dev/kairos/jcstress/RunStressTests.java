package dev.kairos.jcstress;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.openjdk.jcstress.JCStress;
import org.openjdk.jcstress.Main;
import org.openjdk.jcstress.Options;
import org.openjdk.jcstress.infra.Status;
import org.openjdk.jcstress.infra.collectors.DiskReadCollector;
import org.openjdk.jcstress.infra.collectors.InProcessCollector;
import org.openjdk.jcstress.infra.collectors.TestResult;
import org.openjdk.jcstress.infra.grading.ReportUtils;
import org.openjdk.jcstress.infra.grading.TestGrading;

/**
 * Runs JCStress (same options as its own {@code Main}) and exits with 1 unless every test ran and
 * saw no forbidden outcome. JCStress 0.16 fails the run itself (an {@code AssertionError} out of
 * {@code run()}) on a forbidden outcome or a test error, but passes over a test that could not run:
 * one with more actors than the CPUs it may use, or one skipped as an API mismatch. This reads the
 * result file back and requires a normal, passed result for every test.
 */
public final class RunStressTests {
    private RunStressTests() {}

    public static void main(String[] args) throws Exception {
        Options options = new Options(args);
        if (!options.parse()) {
            System.exit(2);
        }
        if (options.shouldList() || options.shouldParse()) {
            Main.main(args);
            return;
        }
        JCStress jcstress = new JCStress(options);
        SortedSet<String> expected = jcstress.getTests();
        jcstress.run();

        InProcessCollector results = new InProcessCollector();
        if (Files.exists(Path.of(options.getResultFile()))) { // none when JCStress could schedule no test at all
            DiskReadCollector reader = new DiskReadCollector(options.getResultFile(), results);
            try {
                reader.dump();
            } finally {
                reader.close();
            }
        }
        SortedSet<String> missing = new TreeSet<>(expected);
        List<String> failures = new ArrayList<>();
        for (TestResult result : ReportUtils.mergedByName(results.getTestResults())) {
            missing.remove(result.getName());
            if (result.status() != Status.NORMAL) {
                failures.add(result.getName() + ": status=" + result.status() + " " + result.getMessages());
                continue;
            }
            TestGrading grading = result.grading();
            if (!grading.isPassed) {
                failures.add(result.getName() + ": " + String.join("; ", grading.failureMessages));
            }
        }
        for (String test : missing) {
            failures.add(test + ": did not run (JCStress could not schedule its actors on cpus=" + options.getCPUCount() + "?)");
        }
        int passed = expected.size() - failures.size();
        System.out.println("JCStress: " + expected.size() + " tests, " + passed + " without a forbidden outcome or error, "
                + failures.size() + " with (results in " + options.getResultDest() + ")");
        for (String failure : failures) {
            System.out.println("  FAILED " + failure);
        }
        if (expected.isEmpty() || !failures.isEmpty()) {
            System.exit(1);
        }
    }
}
