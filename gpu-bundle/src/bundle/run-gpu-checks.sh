#!/bin/sh
# Kairos's check on a machine with an NVIDIA GPU, in one command and one report. Needs only the
# NVIDIA driver (libcuda.so.1, release 580 or newer); everything else is in this folder. In order:
#
#   1. the tests tagged gpu (those tagged gpu-isolated, which plant a kernel fault, in a second JVM)
#   2. the deferred-allocation tutorial on the GPU: 2 and 1 000 batches, AoS and SoA, verified by
#      the GPU reader and, with --verify-on cpu, by the CPU reader over a copy in SYSTEM memory
#   3. kairos bench bandwidth --processor gpu: the tutorial's kernels against a device-to-device copy
#
# Everything it prints, and every figure, goes to gpu-check-report.txt beside it (JUnit XML under
# reports/). It exits non-zero if a test fails, a tutorial batch does not verify or a command fails,
# and, when nvidia-smi lists a GPU, if any gpu test was skipped or the tutorial ran on a CPU: on a
# GPU machine nothing may quietly fall back. Without a GPU the gpu tests skip with the probe's reason
# and the report says that nothing was checked on a GPU.
set -u
here=$(cd "$(dirname "$0")" && pwd)
java="$here/runtime/bin/java"
report="$here/gpu-check-report.txt"
reports="$here/reports"
started=$(date +%s)
problems=""
rm -rf "$reports"
mkdir -p "$reports"
: > "$report"

say() { echo "$*" | tee -a "$report"; }
problem() {
  problems="$problems
  - $*"
  say "PROBLEM: $*"
}

say "Kairos GPU check on $(uname -n), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
gpus=0
if command -v nvidia-smi >/dev/null 2>&1; then
  listed=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1)
  status=$?
  say "nvidia-smi --query-gpu=name,driver_version,memory.total:"
  echo "$listed" | sed 's/^/  /' | tee -a "$report"
  if [ "$status" -eq 0 ]; then
    gpus=$(echo "$listed" | grep -c .)
  fi
else
  say "nvidia-smi: not found"
fi
say "GPUs listed: $gpus"
say "Java: $("$java" -version 2>&1 | head -n 1)"

# ---------------------------------------------------------------- 1. the gpu tests
section() {
  say ""
  say "== $1 ($(($(date +%s) - started)) s in)"
}

# The console launcher's summary line "[ N tests WHAT ]", summed over both runs.
count() {
  sed -n "s/^\[ *\([0-9]*\) $1 *\]\$/\1/p" "$reports/tests.log" | awk '{ n += $1 } END { print n + 0 }'
}

run_tests() {
  name=$1
  shift
  mkdir -p "$reports/$name"
  "$java" --enable-native-access=ALL-UNNAMED -Djava.library.path="$here/natives" \
    -cp "$here/lib/*:$here/launcher/junit-platform-console-standalone.jar" org.junit.platform.console.ConsoleLauncher \
    execute --disable-banner --disable-ansi-colors --details=tree --fail-if-no-tests \
    --scan-classpath "$here/lib/kairos-cuda-tests.jar:$here/lib/kairos-gpu-bundle-tests.jar" \
    --exclude-tag software-driver --reports-dir "$reports/$name" "$@" > "$reports/$name.log" 2>&1
  echo $?
}

section "1. tests tagged gpu"
: > "$reports/tests.log"
for name in main isolated; do
  if [ "$name" = main ]; then
    status=$(run_tests "$name" --include-tag gpu --exclude-tag gpu-isolated)
  else
    status=$(run_tests "$name" --include-tag gpu-isolated)
  fi
  cat "$reports/$name.log" >> "$reports/tests.log"
  cat "$reports/$name.log" >> "$report"
  grep -E "^\[ *[0-9]+ (tests|containers) " "$reports/$name.log" | sed "s/^/  $name: /" | tee -a "$report"
  # A launcher that died before its summary (a crash in native code) fails the check too.
  [ "$status" -eq 0 ] || problem "the $name test run exited with status $status (see reports/$name.log)"
done
passed=$(count "tests successful")
failed=$(count "tests failed")
skipped=$(( $(count "tests skipped") + $(count "tests aborted") + $(count "containers skipped") + $(count "containers aborted") ))
say "gpu tests: $passed passed, $failed failed, $skipped skipped or aborted (tests and classes)"
[ "$failed" -eq 0 ] || problem "$failed gpu test(s) failed"
if [ "$gpus" -gt 0 ] && [ "$skipped" -gt 0 ]; then
  problem "nvidia-smi lists a GPU, yet $skipped gpu test(s) or class(es) skipped; the reasons:"
  grep -iE "no usable GPU|skipped|aborted" "$reports/tests.log" | grep -v "^\[" | sort -u | head -n 5 | sed 's/^/      /' \
    | tee -a "$report"
fi

# ---------------------------------------------------------------- 2. the tutorial
section "2. the deferred-allocation tutorial on the GPU"
kairos() {
  "$java" --enable-native-access=ALL-UNNAMED -Djava.library.path="$here/natives" -cp "$here/lib/*" dev.kairos.cli.Main "$@" \
    < /dev/null
}
for batches in 2 1000; do
  for layout in aos soa; do
    for verify in same cpu; do
      what="$batches batches, $layout, verified on $verify"
      out=$(kairos run deferred-allocation --batches "$batches" --layout "$layout" --verify-on "$verify" 2>&1)
      status=$?
      echo "$out" > "$reports/tutorial-$batches-$layout-$verify.log"
      processor=$(echo "$out" | sed -n 's/^  processor *\(.*\)$/\1/p')
      verified=$(echo "$out" | sed -n 's/^  batches verified *\(.*\)$/\1/p')
      rate=$(echo "$out" | sed -n 's/^  rate *\(.*\)$/\1/p')
      memory=$(echo "$out" | sed -n 's/^  memory *\([^ ]*\).*/\1/p')
      say "  $what: processor $processor, memory $memory, verified $verified, rate $rate"
      [ "$status" -eq 0 ] || problem "tutorial ($what) exited with status $status (see reports/tutorial-$batches-$layout-$verify.log)"
      case "$processor" in
        *"(GPU)"*) ;;
        *) [ "$gpus" -gt 0 ] && problem "nvidia-smi lists a GPU, yet the tutorial ($what) ran on $processor" ;;
      esac
    done
  done
done

# ---------------------------------------------------------------- 3. the bandwidth benchmark
section "3. kairos bench bandwidth --processor gpu"
# Its table goes to standard output; standard error holds the progress bar, and the reason if it fails.
kairos bench bandwidth --processor gpu > "$reports/bench-bandwidth.log" 2> "$reports/bench-bandwidth.err"
status=$?
tee -a "$report" < "$reports/bench-bandwidth.log"
if [ "$status" -ne 0 ]; then
  grep -v '^bandwidth ' "$reports/bench-bandwidth.err" | tail -n 3 | tee -a "$report"
  if [ "$gpus" -gt 0 ]; then
    problem "kairos bench bandwidth --processor gpu exited with status $status"
  else
    say "  (no GPU: the benchmark has nothing to measure)"
  fi
fi

# ---------------------------------------------------------------- verdict
section "verdict"
say "took $(($(date +%s) - started)) s; report: $report"
if [ -n "$problems" ]; then
  say "FAILED:$problems"
  exit 1
fi
if [ "$gpus" -eq 0 ]; then
  say "PASSED, but nvidia-smi lists no GPU here: nothing was checked on a GPU ($skipped gpu tests or classes skipped)"
else
  say "PASSED on $gpus GPU(s): every gpu test ran and passed, the tutorial ran on the GPU and verified"
fi
