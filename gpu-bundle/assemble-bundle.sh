#!/bin/sh
# Assembles the GPU test bundle from what Maven staged; run by the gpu-bundle profile.
#
#   assemble-bundle.sh JAVA_HOME STAGING TESTS_JAR DIST
#
# STAGING holds lib/ (the runtime and test jars) and launcher/ (the JUnit console launcher).
# This adds this module's test jar, JCuda's native library in natives/, a Java runtime jlinked with
# exactly the JDK modules jdeps finds in those jars, and the scripts of src/bundle (run-gpu-checks.sh,
# kairos), then replaces DIST with the result and prints its size.
set -eu

java_home=$1
staging=$2
tests_jar=$3
dist=$4
scripts=$(cd "$(dirname "$0")/src/bundle" && pwd)

cp "$tests_jar" "$staging/lib/kairos-gpu-bundle-tests.jar"
rm -f "$staging/lib/kairos-gpu-bundle.jar" # this module's main jar is empty

# Kairos uses JCuda's driver API only: of the natives jar's four libraries (most of their 26 MB is
# the PTX compiler's) keep libJCudaDriver, unpacked into natives/, which the scripts put on
# java.library.path. JCuda loads a library from there before it looks in its jar, and with no natives
# jar in lib/ it never unpacks one to /tmp (where it would also reuse any stale copy it found).
natives="$staging/lib/jcuda-natives-linux-x86_64.jar"
rm -rf "$staging/natives"
mkdir -p "$staging/natives"
(cd "$staging/natives" && "$java_home/bin/jar" --extract --file "$natives" && mv lib/libJCudaDriver-*.so . && rm -rf lib META-INF)
rm "$natives"
echo "[gpu-bundle] JCuda's native library: $(ls "$staging/natives")"

# A runtime with the JDK modules the jars use (jlink-runtime.sh, shared with the container image),
# plus jdk.zipfs: the JUnit launcher scans test jars through the zip file system, a provider found
# only at run time.
"$(dirname "$0")/jlink-runtime.sh" "$java_home" "$staging/runtime" jdk.zipfs "$staging"/lib/*.jar "$staging"/launcher/*.jar

cp "$scripts/run-gpu-checks.sh" "$scripts/kairos" "$staging/"
chmod +x "$staging/run-gpu-checks.sh" "$staging/kairos"
cp "$(dirname "$0")/../cli/aot-cache.sh" "$staging/aot-cache.sh"

rm -rf "$dist"
mkdir -p "$(dirname "$dist")"
cp -R "$staging" "$dist"
echo "[gpu-bundle] $dist: $(du -sh "$dist" | cut -f1) ($(du -sb "$dist" | cut -f1) bytes)"
