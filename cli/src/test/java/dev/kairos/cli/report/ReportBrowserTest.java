package dev.kairos.cli.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.kairos.cli.Main;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The report in a real browser: headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}) opens the page {@code kairos run deferred-allocation --compare-eager
 * --report} wrote, takes a screenshot ({@code target/browser/report.png}) and checks through the
 * DOM what a reader must see: both series drawn, each peak labelled inside the chart, the labels
 * apart, and nothing fetched from anywhere.
 *
 * <p>Without a browser it is skipped with the reason, unless {@code -Dkairos.browser.required=true}
 * (as CI sets), which makes a missing browser a failure. {@code -Dkairos.chromium=PATH} and
 * {@code -Dkairos.chromedriver=PATH} point at a browser and driver off the {@code PATH}.
 */
@Tag("browser")
@Timeout(180)
class ReportBrowserTest {
    private static final int BATCHES = 20;

    @TempDir
    Path dir;

    @Test
    void theReportShowsBothRunsMemoryWithTheirPeaksLabelledInChromium() throws IOException {
        Path chromium = executable("kairos.chromium", "chromium", "chromium-browser", "google-chrome");
        Path chromedriver = executable("kairos.chromedriver", "chromedriver");

        Path report = dir.resolve("report.html");
        StringWriter out = new StringWriter();
        int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "run", "deferred-allocation",
                "--compare-eager", "--batches", String.valueOf(BATCHES), "--cuda", "off", "--cpus", "1", "--report", report.toString());
        assertThat(exit).as(out.toString()).isZero();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        // As root Chromium needs no sandbox; the rest keeps it from reaching for the network.
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + dir.resolve("profile"), "--window-size=1100,1700", "--hide-scrollbars");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort().build();
        ChromeDriver browser = new ChromeDriver(service, options);
        try {
            browser.get(report.toUri().toString());
            Path shot = Path.of("target", "browser", "report.png");
            Files.createDirectories(shot.getParent());
            Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
            assertThat(Files.readAllBytes(shot)).startsWith(0x89, 'P', 'N', 'G').hasSizeGreaterThan(10_000);

            JavascriptExecutor js = browser;
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> series = (List<Map<String, Object>>) js.executeScript("""
                    return [...document.querySelectorAll('#memory-chart path.series')].map(p => ({
                        run: p.dataset.run, points: Number(p.dataset.points), length: p.getTotalLength(),
                        height: p.getBoundingClientRect().height }));""");
            assertThat(series).extracting(s -> s.get("run")).containsExactly("deferred", "eager");
            assertThat(series).allSatisfy(s -> {
                assertThat(((Number) s.get("points")).longValue()).isEqualTo(2 * BATCHES); // an allocation and a release each
                assertThat(((Number) s.get("length")).doubleValue()).isGreaterThan(100);
            });
            // Deferred holds one instance, eager all twenty: the eager line rises far higher on screen.
            assertThat(((Number) series.get(1).get("height")).doubleValue())
                    .isGreaterThan(5 * ((Number) series.get(0).get("height")).doubleValue());

            @SuppressWarnings("unchecked")
            List<Map<String, Object>> labels = (List<Map<String, Object>>) js.executeScript("""
                    const chart = document.querySelector('#memory-chart').getBoundingClientRect();
                    return [...document.querySelectorAll('#memory-chart text.peak-label')].map(t => {
                        const b = t.getBoundingClientRect();
                        return { run: t.dataset.run, text: t.textContent, left: b.left, right: b.right, top: b.top,
                            bottom: b.bottom, inside: b.left >= chart.left && b.right <= chart.right && b.top >= chart.top
                                && b.bottom <= chart.bottom && b.width > 0,
                            visible: getComputedStyle(t).visibility === 'visible' && getComputedStyle(t).display !== 'none' };
                    });""");
            assertThat(labels).extracting(l -> l.get("run")).containsExactly("deferred", "eager");
            assertThat(labels.get(0).get("text")).isEqualTo("deferred peak 1.3 MiB = 1.00 instance");
            assertThat(labels.get(1).get("text")).isEqualTo("eager peak 26.7 MiB = 20.00 instances");
            assertThat(labels).allSatisfy(l -> assertThat(l).containsEntry("inside", true).containsEntry("visible", true));
            assertThat(apart(labels.get(0), labels.get(1))).as("the two peak labels do not overlap: %s", labels).isTrue();

            assertThat(js.executeScript("return document.querySelectorAll('#memory-chart line.instance').length")).isEqualTo(1L);
            assertThat(js.executeScript("return document.querySelectorAll('svg.timeline rect.task').length"))
                    .isEqualTo(2L * ReportPage.TIMELINE_SLICES);
            assertThat(js.executeScript("return document.querySelectorAll('script, link, img, iframe, object').length"))
                    .as("a page that needs nothing but itself").isEqualTo(0L);
            assertThat(js.executeScript("return performance.getEntriesByType('resource').length"))
                    .as("nothing fetched").isEqualTo(0L);
        } finally {
            browser.quit();
        }
    }

    private static boolean apart(Map<String, Object> a, Map<String, Object> b) {
        return d(a, "right") <= d(b, "left") || d(b, "right") <= d(a, "left") || d(a, "bottom") <= d(b, "top")
                || d(b, "bottom") <= d(a, "top");
    }

    private static double d(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }

    /**
     * The executable named by the system property, or the first of {@code names} on the PATH; if
     * none, the test is skipped with the reason, or fails when a browser is required.
     */
    private static Path executable(String property, String... names) {
        String configured = System.getProperty(property);
        Optional<Path> found = configured != null
                ? Optional.of(Path.of(configured)).filter(Files::isExecutable)
                : Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                        .filter(d -> !d.isEmpty())
                        .flatMap(d -> Stream.of(names).map(n -> Path.of(d, n)))
                        .filter(Files::isExecutable)
                        .findFirst();
        if (found.isEmpty()) {
            String reason = (configured != null ? property + "=" + configured + " is not an executable"
                    : "none of " + String.join(", ", names) + " is on the PATH")
                    + " (Debian: apt-get install chromium chromium-driver)";
            if (Boolean.getBoolean("kairos.browser.required")) {
                fail("kairos.browser.required=true but " + reason);
            }
            Assumptions.abort("no browser to open the report in: " + reason);
        }
        return found.orElseThrow();
    }
}
