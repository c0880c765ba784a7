#!/bin/sh
# The kairos command's ahead-of-time cache (JDK 25's AOT cache: JEPs 483, 514, 515): the classes a
# training run loaded and linked, and the method profiles it gathered, so that a later start maps
# them instead of loading, verifying and profiling again. See docs/PERFORMANCE.md, "Start-up".
#
#   aot-cache.sh build JAVA CACHE CLASSPATH   train and write CACHE, unless it is current
#   aot-cache.sh check JAVA CACHE CLASSPATH   exit 0 if CACHE is current, 1 if not
#
# CLASSPATH is what the kairos command runs with: cli/target/kairos.jar (its manifest adds lib/*), or
# the GPU bundle's "lib/*". A cache serves only the JVM that made it, the same class path with jars
# of the same size and modification time, and the same --enable-native-access; anything else makes
# the JVM print errors and run without it. So beside CACHE lies CACHE.stamp, which records the JVM
# and every jar's size and time: "current" means the stamp matches, and users of the cache check it
# rather than let the JVM complain (copying a folder without keeping file times changes them).
#
# The training run is dev.kairos.cli.Training (the usage help, the version, the tutorial in both
# layouts) with --cuda auto, so on a GPU machine it trains the GPU path too. Run with the same
# options as the command: --enable-native-access=ALL-UNNAMED. About 5-15 s on 2 cores.
#
# The training runs with C2's invocation thresholds out of reach, so only methods that loop (by their
# back-edges) are compiled with C2 in it, and the cache marks only them as trained at C2. The commands
# that use the cache pass -XX:Tier2InvokeNotifyFreqLog=5 -XX:Tier2BackedgeNotifyFreqLog=20: a trained
# method then asks for C2 after 32 calls of its first C1 code instead of 2 048, and its loops' reports
# do not ask for an on-stack-replacement compile first. Both together: the tutorial's loops get their
# C2 code in the cold run's first 100 ms, and start-up is unchanged (docs/PERFORMANCE.md, "The AOT
# cache"). The two sets of options go together: keep the launchers' and this one in step.
train_jit="-XX:Tier4InvocationThreshold=100000 -XX:Tier4MinInvocationThreshold=100000 -XX:Tier4CompileThreshold=200000"
set -eu

mode=$1
java=$2
cache=$3
classpath=$4
# JCuda's native library beside the cache (cli/target/natives, the bundle's natives/), where the
# command that uses the cache loads it from, so that the training unpacks nothing to /tmp either.
natives="$(dirname "$cache")/natives"

# One line per jar of the class path (name, size, time), then the JVM's vendor and version: what the
# JVM checks before it maps a cache; then the training's options, so that a cache trained with other
# options is made again. Written with few processes, since ./kairos checks at every start.
stamp() {
  jars=""
  old_ifs=$IFS
  IFS=:
  set -f # split the class path on ':' without expanding its wildcard yet
  for entry in $classpath; do
    set +f
    case $entry in
      *'*')
        for jar in "${entry%\*}"*.jar; do jars="$jars $jar"; done
        ;;
      *)
        jars="$jars $entry"
        case $entry in */*) dir=${entry%/*} ;; *) dir=. ;; esac
        for jar in "$dir"/lib/*.jar; do # the jar's manifest class path
          if [ -f "$jar" ]; then jars="$jars $jar"; fi
        done
        ;;
    esac
    set -f
  done
  set +f
  IFS=$old_ifs
  # shellcheck disable=SC2086 # the list is split on purpose; its paths hold no spaces
  stat -c '%n %s %Y' $jars 2>/dev/null || stat -f '%N %z %m' $jars # GNU, else BSD and macOS
  release="${java%/*}/../release"
  if [ -f "$release" ]; then
    while IFS= read -r line; do
      case $line in IMPLEMENTOR=* | JAVA_RUNTIME_VERSION=*) echo "$line" ;; esac
    done < "$release"
  else
    "$java" -version 2>&1
  fi
  echo "training: $train_jit"
}

current() {
  [ -f "$cache" ] && [ -f "$cache.stamp" ] && stamp | cmp -s - "$cache.stamp"
}

case $mode in
  check)
    current
    ;;
  build)
    if current; then
      echo "[aot-cache] $cache is current"
      exit 0
    fi
    # Written under names of this process's own, then moved into place, the cache before its stamp:
    # two commands that train at once (./kairos does on first use) never mix their files, and a
    # reader never finds a stamp that vouches for a cache not yet in place.
    work="$cache.$$"
    trap 'rm -f "$work.config" "$work.aot" "$work.stamp"' EXIT
    # -Xlog:aot=error: the JVM lists every class it leaves out (a jar's classes older than Java 6
    # cannot be linked ahead of time), which is expected and no error.
    # shellcheck disable=SC2086 # $train_jit is a list of options
    "$java" --enable-native-access=ALL-UNNAMED -Xlog:aot=error -XX:AOTMode=record -XX:AOTConfiguration="$work.config" \
      -Djava.library.path="$natives" $train_jit -cp "$classpath" dev.kairos.cli.Training
    "$java" --enable-native-access=ALL-UNNAMED -Xlog:aot=error -XX:AOTMode=create -XX:AOTConfiguration="$work.config" \
      -XX:AOTCache="$work.aot" -cp "$classpath" >/dev/null
    stamp > "$work.stamp"
    mv -f "$work.aot" "$cache"
    mv -f "$work.stamp" "$cache.stamp"
    echo "[aot-cache] $cache: $(du -h "$cache" | cut -f1)"
    ;;
  *)
    echo "usage: aot-cache.sh build|check JAVA CACHE CLASSPATH" >&2
    exit 2
    ;;
esac
