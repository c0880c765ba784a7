package dev.kairos.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The figures {@code realm-side-by-side.sh} prints for each measure, from {@code side-by-side-stats.sh},
 * held to rounds whose answers are known by hand: the count of rounds ahead and its sign test, and
 * the difference between the ratio of the medians and the median of the rounds' own ratios, which
 * is the figure the targets are held to (docs/PERFORMANCE.md, "The tenth round").
 */
class SideBySideStatsTest {

    @Test
    void roundsAheadComeWithTheSignTestsP() throws Exception {
        // 5 of 5: a coin comes up heads five times in 1 of 32 tosses of five.
        assertThat(ahead("higher", "1 2 3 4 5", "2 3 4 5 6")).startsWith("ahead in 5 of 5 (p 0.031),");
        // 2 of 3: P(at least 2 of 3) = 4 / 8.
        assertThat(ahead("higher", "1 1 1", "2 2 0.5")).startsWith("ahead in 2 of 3 (p 0.500),");
        // 0 of 4: certain.
        assertThat(ahead("higher", "2 2 2 2", "1 1 1 1")).startsWith("ahead in 0 of 4 (p 1.000),");
    }

    @Test
    void theRoundsOwnRatiosAreNotTheRatioOfTheMedians() throws Exception {
        // Rounds under very different loads: Kairos ahead by 10 % in two of three, behind by 10 % in
        // one. The medians compare 10 with 9 (0.90x); the rounds' own ratios 1.1, 0.9 and 1.1.
        String line = ahead("higher", "1 10 100", "1.1 9 110");
        assertThat(line).startsWith("ahead in 2 of 3 (p 0.500),").contains("per round: median 1.10x,");
    }

    @Test
    void forTimesLowerIsAheadAndTheRatioStaysKairosOverRealm() throws Exception {
        String line = ahead("lower", "0.50 0.60 0.40 0.50 0.55", "0.25 0.30 0.20 0.25 0.275");
        assertThat(line).startsWith("ahead in 5 of 5 (p 0.031),").contains("per round: median 0.50x, 90 % interval 0.50-0.50x");
    }

    @Test
    void theIntervalsHoldTheMedianAndTheSameRoundsPrintTheSameOnes() throws Exception {
        String realm = "3205 2952 2521 3087 3097 3152 3066 3300 2201 2513 2811 2165 2085 2096 2176";
        String kairos = "3058 2504 3149 3614 3486 2637 3142 2325 2620 2647 2379 2426 2613 2247 2293";
        String line = ahead("higher", realm, kairos);
        assertThat(ahead("higher", realm, kairos)).isEqualTo(line);
        Matcher m = Pattern.compile("per round: median ([0-9.]+)x, 90 % interval ([0-9.]+)-([0-9.]+)x").matcher(line);
        assertThat(m.find()).as(line).isTrue();
        double median = Double.parseDouble(m.group(1));
        assertThat(Double.parseDouble(m.group(2))).isLessThanOrEqualTo(median);
        assertThat(Double.parseDouble(m.group(3))).isGreaterThanOrEqualTo(median);
    }

    /** What {@code ahead BETTER REALM KAIROS} prints, run by bash from the module's folder. */
    private static String ahead(String better, String realm, String kairos) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bash", "-c", "source \"$1\" && ahead \"$2\" \"$3\" \"$4\"", "ahead",
                Path.of("side-by-side-stats.sh").toAbsolutePath().toString(), better, realm, kairos)
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(out).isZero();
        return out;
    }
}
