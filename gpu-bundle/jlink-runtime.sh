#!/bin/sh
# A Java runtime holding exactly the JDK modules some jars use, jlinked from a JDK: what the GPU
# bundle (assemble-bundle.sh) and the container image (docker/build-context.sh) ship instead of a JDK.
#
#   jlink-runtime.sh JAVA_HOME OUTPUT EXTRA_MODULES JAR...
#
# EXTRA_MODULES (comma-separated, may be empty) are added to what jdeps finds: modules that only a
# run-time lookup reaches, such as a file system provider. OUTPUT is kept when its release file
# names the JDK's version and every module wanted, since linking takes longer than finding them.
set -eu

java_home=$1
output=$2
extra=$3
shift 3

# The JDK modules the jars use, as jdeps finds them in the class files. The kairos command's progress
# bar (progressbar) is a named module that requires JLine's org.jline.terminal: jdeps finds that on a
# module path of the JLine jars, whose own needs it reads in a second pass (a jar on the module path
# is not analysed), and prints it among the JDK modules, so only java.* and jdk.* are kept.
jline=
others=
for jar in "$@"; do
  case $jar in
    */jline-*) jline="$jline${jline:+:}$jar" ;;
    *) others="$others $jar" ;;
  esac
done
jdk_modules() {
  "$java_home/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 "$@" | tail -n 1
}
# shellcheck disable=SC2086 # the jar list is split on purpose; its paths hold no spaces
# Kairos's own jars are modules: jdeps resolves their requires (org.slf4j, jcuda, ...) on a module
# path, so every jar is on it as well as analysed, but the test jars, whose packages split those of
# the modules they test.
all=$(for jar in $others; do case $jar in *-tests.jar) ;; *) printf '%s:' "$jar" ;; esac; done)
modules=$({
  if [ -n "$jline" ]; then
    jdk_modules --module-path "$jline:$all" $others
    jdk_modules $(echo "$jline" | tr : ' ')
  else
    jdk_modules --module-path "$all" $others
  fi
  [ -z "$extra" ] || echo "$extra"
} | tr , '\n' | grep -E '^(java|jdk)\.' | sort -u | paste -sd , -)

up_to_date() {
  [ -x "$output/bin/java" ] && [ -f "$output/release" ] || return 1
  [ "$(grep '^JAVA_VERSION=' "$output/release")" = "$(grep '^JAVA_VERSION=' "$java_home/release")" ] || return 1
  linked=" $(sed -n 's/^MODULES="\(.*\)"$/\1/p' "$output/release") "
  for module in $(echo "$modules" | tr , ' '); do
    case $linked in
      *" $module "*) ;;
      *) return 1 ;;
    esac
  done
}
if up_to_date; then
  echo "[jlink-runtime] $output is up to date: $modules"
  exit 0
fi
echo "[jlink-runtime] JDK modules: $modules"
rm -rf "$output"
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress zip-9 --output "$output"
