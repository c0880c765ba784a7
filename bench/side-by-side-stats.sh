#!/usr/bin/env bash
# The statistics of realm-side-by-side.sh, kept apart so that a test can hold them to known figures
# (bench/src/test/java/dev/kairos/bench/SideBySideStatsTest.java). Functions only: source it.

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a / b}'; }
# In how many of a measure's rounds Kairos came out ahead, and how far the ratio (Kairos / Realm)
# could move with other rounds: ahead higher|lower "REALM..." "KAIROS..." (higher for rates, lower for
# times; the lists pair by round). A median alone hides both. Printed:
# - ahead in A of N, and p: how often a coin tossed N times comes up A times or more (one-sided sign
#   test): small p says Kairos' lead is not luck of the rounds;
# - the ratio of the medians and its 90 % interval: the middle 90 % over 2 000 resamplings of the
#   rounds (pairs kept together, a fixed seed, so the same rounds print the same interval);
# - per round: the median of the rounds' own ratios and its 90 % interval, resampled the same way.
#   Each round is a pair run back to back under the same load, so its ratio cancels what the load
#   does to both; the ratio of medians compares two spreads and keeps the load's swings in them.
#   The targets are held to this one (docs/PERFORMANCE.md, "The tenth round"). A target inside an
#   interval is not clearly met or missed.
ahead() {
  awk -v better="$1" -v r="$2" -v k="$3" '
    function sort(v, n,   i, j, t) {
      for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
    }
    function median(v, n) {
      sort(v, n)
      return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    BEGIN {
      n = split(r, rv, " "); split(k, kv, " "); a = 0
      for (i = 1; i <= n; i++) if (better == "higher" ? kv[i] + 0 > rv[i] + 0 : kv[i] + 0 < rv[i] + 0) a++
      p = 0; c = 1 # c: n choose i
      for (i = 0; i <= n; i++) { if (i >= a) p += c; c = c * (n - i) / (i + 1) }
      p /= 2 ^ n
      for (i = 1; i <= n; i++) { pr[i] = kv[i] / rv[i]; t[i] = pr[i] }
      perround = median(t, n)
      srand(1)
      for (b = 1; b <= 2000; b++) {
        for (i = 1; i <= n; i++) { j = int(rand() * n) + 1; x[i] = rv[j] + 0; y[i] = kv[j] + 0; z[i] = pr[j] }
        q[b] = median(y, n) / median(x, n)
        w[b] = median(z, n)
      }
      sort(q, 2000)
      sort(w, 2000)
      printf "ahead in %d of %d (p %.3f), the ratio of the medians'"'"' 90 %% interval %.2f-%.2fx;", a, n, p, q[101], q[1900]
      printf " per round: median %.2fx, 90 %% interval %.2f-%.2fx", perround, w[101], w[1900]
    }'
}
