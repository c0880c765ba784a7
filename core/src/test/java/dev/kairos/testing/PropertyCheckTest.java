package dev.kairos.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The property runner: tries, seeds that re-run one case, and shortened failures. */
class PropertyCheckTest {

    private static List<Integer> randomList(java.util.SplittableRandom random) {
        List<Integer> list = new ArrayList<>();
        int n = random.nextInt(50, 200);
        for (int i = 0; i < n; i++) {
            list.add(random.nextInt(10));
        }
        return list;
    }

    @AfterEach
    void clearSeed() {
        System.clearProperty(PropertyCheck.SEED_PROPERTY);
    }

    @Test
    void aPropertyThatHoldsRunsEveryTry() {
        AtomicInteger runs = new AtomicInteger();
        PropertyCheck.forAll("holds", PropertyCheckTest::randomList).tries(37).check(list -> runs.incrementAndGet());
        assertThat(runs).hasValue(37);
    }

    @Test
    void aFailingScriptIsShortenedToTheStepsThatMatterAndReportedWithItsSeed() {
        // Fails whenever a 7 comes somewhere after a 3: the shortest failing script is [3, 7].
        PropertyCheck<List<Integer>> check = PropertyCheck.forAll("PropertyCheckTest#demo", PropertyCheckTest::randomList)
                .tries(200).shrinkWith(PropertyCheck.dropElements());
        PropertyCheck.Property<List<Integer>> property = list -> {
            int three = list.indexOf(3);
            assertThat(three >= 0 && list.subList(three, list.size()).contains(7)).as("a 7 after a 3 in %s", list).isFalse();
        };
        assertThatThrownBy(() -> check.check(property))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("PropertyCheckTest#demo failed on case 1 of 200")
                .hasMessageContaining("-Dkairos.seed=0x")
                .hasMessageContaining("2 steps [3, 7]");
    }

    @Test
    void theSeedOfAFailureReRunsExactlyThatCase() {
        List<List<Integer>> seen = new ArrayList<>();
        PropertyCheck.Property<List<Integer>> failsOnLongLists = list -> {
            seen.add(list);
            assertThat(list.size()).isLessThan(120);
        };
        String message = "";
        try {
            PropertyCheck.forAll("PropertyCheckTest#rerun", PropertyCheckTest::randomList).tries(500).check(failsOnLongLists);
        } catch (AssertionError e) {
            message = e.getMessage();
        }
        Matcher seed = Pattern.compile("-Dkairos\\.seed=(0x[0-9a-f]+)").matcher(message);
        assertThat(seed.find()).as("a seed in: %s", message).isTrue();
        List<Integer> failing = seen.getLast();

        seen.clear();
        System.setProperty(PropertyCheck.SEED_PROPERTY, seed.group(1));
        assertThatThrownBy(() -> PropertyCheck.forAll("PropertyCheckTest#rerun", PropertyCheckTest::randomList).tries(500)
                .check(failsOnLongLists)).hasMessageContaining("case 1 of 1");
        assertThat(seen).containsExactly(failing);
    }

    @Test
    void aBadSeedIsRefusedWithTheValue() {
        System.setProperty(PropertyCheck.SEED_PROPERTY, "zebra");
        assertThatThrownBy(() -> PropertyCheck.forAll("x", PropertyCheckTest::randomList).check(list -> {}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kairos.seed=zebra");
    }
}
