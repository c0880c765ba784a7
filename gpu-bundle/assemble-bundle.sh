#!/bin/sh
# Assembles the GPU test bundle from what Maven staged; run by the gpu-bundle profile.
#
#   assemble-bundle.sh JAVA_HOME STAGING TESTS_JAR DIST
#
# STAGING holds lib/ (the runtime and test jars) and launcher/ (the JUnit console launcher).
# This adds this module's test jar, a Java runtime jlinked with exactly the JDK modules jdeps finds
# in those jars, and run-gpu-tests.sh, then replaces DIST with the result and prints its size.
set -eu

java_home=$1
staging=$2
tests_jar=$3
dist=$4

cp "$tests_jar" "$staging/lib/kairos-gpu-bundle-tests.jar"
rm -f "$staging/lib/kairos-gpu-bundle.jar" # this module's main jar is empty

# Kairos uses JCuda's driver API only: of the natives jar's four libraries (9 MB, most of it the PTX
# compiler's) keep libJCudaDriver, at the path JCuda's loader looks for it.
natives="$staging/lib/jcuda-natives-linux-x86_64.jar"
unpacked="$staging/natives"
rm -rf "$unpacked"
mkdir -p "$unpacked"
(cd "$unpacked" && "$java_home/bin/jar" --extract --file "$natives")
driver_lib=$(cd "$unpacked" && ls lib/libJCudaDriver-*.so)
"$java_home/bin/jar" --create --file "$natives" -C "$unpacked" "$driver_lib"
rm -rf "$unpacked"

# A runtime with the JDK modules the jars use (jlink-runtime.sh, shared with the container image),
# plus jdk.zipfs: the JUnit launcher scans test jars through the zip file system, a provider found
# only at run time.
"$(dirname "$0")/jlink-runtime.sh" "$java_home" "$staging/runtime" jdk.zipfs "$staging"/lib/*.jar "$staging"/launcher/*.jar

cat > "$staging/run-gpu-tests.sh" <<'SCRIPT'
#!/bin/sh
# Runs every test in this bundle with the bundled Java runtime: the CPU-side tests, and the tests
# tagged gpu, which skip with the probe's reason where no GPU is usable. Needs only an NVIDIA driver
# (libcuda.so.1, release 580 or newer) for the GPU tests. Writes gpu-test-report.txt and JUnit XML
# under reports/ beside this script; exits non-zero if a test failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
java="$here/runtime/bin/java"
report="$here/gpu-test-report.txt"
classpath="$here/lib/*:$here/launcher/junit-platform-console-standalone.jar"
roots="$here/lib/kairos-cuda-tests.jar:$here/lib/kairos-gpu-bundle-tests.jar"
rm -rf "$here/reports"
: > "$report"

# A planted kernel fault leaves a sticky CUDA error for the rest of the process, so the tests
# tagged gpu-isolated run in a second JVM.
run() {
  mkdir -p "$here/reports/$1"
  {
    "$java" --enable-native-access=ALL-UNNAMED -cp "$classpath" org.junit.platform.console.ConsoleLauncher \
      execute --disable-banner --disable-ansi-colors --details=tree --fail-if-no-tests --scan-classpath "$roots" --reports-dir "$here/reports/$1" "$2" gpu-isolated
    echo $? > "$here/reports/$1/exit-status"
  } 2>&1 | tee -a "$report"
}
run main --exclude-tag
run isolated --include-tag

count() {
  sed -n "s/^\[ *\([0-9]*\) tests $1 *\]\$/\1/p" "$report" | awk '{ n += $1 } END { print n + 0 }'
}
passed=$(count successful)
failed=$(count failed)
skipped=$(( $(count skipped) + $(count aborted) ))
{
  echo
  echo "Kairos GPU bundle on $(uname -n), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
  else
    echo "nvidia-smi: not found"
  fi
  echo "Tests that skipped say why (tests aborted: an assumption such as 'no usable GPU here: ...')."
  echo "Report: $report"
  echo "$passed passed, $failed failed, $skipped skipped"
} | tee -a "$report"
# A launcher that died before its summary (a crash in native code) counts as a failure too.
[ "$failed" -eq 0 ] && [ "$(cat "$here/reports/main/exit-status")" -eq 0 ] && [ "$(cat "$here/reports/isolated/exit-status")" -eq 0 ]
SCRIPT
chmod +x "$staging/run-gpu-tests.sh"

cat > "$staging/kairos" <<'SCRIPT'
#!/bin/sh
# The kairos command on the bundled Java runtime, for the GPU figures the tests do not print:
#   ./kairos machine
#   ./kairos run deferred-allocation --batches 1000 --verify-on cpu
#   ./kairos bench bandwidth --processor gpu --fbmem 512M
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/runtime/bin/java" --enable-native-access=ALL-UNNAMED -cp "$here/lib/*" dev.kairos.cli.Main "$@"
SCRIPT
chmod +x "$staging/kairos"

rm -rf "$dist"
mkdir -p "$(dirname "$dist")"
cp -R "$staging" "$dist"
echo "[gpu-bundle] $dist: $(du -sh "$dist" | cut -f1) ($(du -sb "$dist" | cut -f1) bytes)"
