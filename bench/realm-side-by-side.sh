#!/usr/bin/env bash
# Kairos against Realm's own binaries, side by side, in alternating pairs (Realm, Kairos, Realm,
# Kairos, ...) in one sitting: the numbers of docs/PERFORMANCE.md's side-by-side table.
#
#   bench/realm-side-by-side.sh [SECTION...]     SECTION: startup whole cold warm overheads (default: all)
#
# Environment: REALM_BENCH (required: the folder of Realm's binaries, xz-compressed, which live outside
# this repository: deferred_allocation, deferred_allocation_scratch, task_ubench, event_ubench,
# event_dag), ROUNDS (pairs per measure; default 5), COLD_ROUNDS (pairs for the cold measure; default
# 15: the same jar's cold rate spreads by a factor of two within a sitting, and 8 pairs have shown a
# ratio that 16 did not repeat; docs/PERFORMANCE.md, "The eighth round"). Needs xz. Unpacks Realm's
# binaries into a temporary folder, removed at the end. Builds Kairos through ./kairos first (and
# its AOT cache).
#
# Each measure prints its rounds, then one line: medians, the ratio with the direction that means
# "Kairos ahead", in how many rounds Kairos was ahead (with a sign test's p), the 90 % intervals of
# the ratio of the medians and of the rounds' own ratios (ahead() in side-by-side-stats.sh), and the
# load average (uptime) before and after. A figure from a loaded machine says little: compare
# ratios, and note the load beside them.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
realm_bench="${REALM_BENCH:-}"
if [[ -z "$realm_bench" || ! -d "$realm_bench" ]]; then
  echo "realm-side-by-side.sh: REALM_BENCH=${realm_bench:-unset} must name the folder of Realm's xz-compressed binaries" \
    "(deferred_allocation, deferred_allocation_scratch, task_ubench, event_ubench, event_dag; see docs/PERFORMANCE.md)" >&2
  exit 2
fi
rounds="${ROUNDS:-5}"
cold_rounds="${COLD_ROUNDS:-15}"
sections=("$@")
[[ ${#sections[@]} -eq 0 ]] && sections=(startup whole cold warm overheads)

k="$root/kairos"
bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT
for b in deferred_allocation deferred_allocation_scratch task_ubench event_ubench event_dag; do
  xz -dc "$realm_bench/$b.xz" > "$bin/$b"
  chmod +x "$bin/$b"
done
"$k" --version >/dev/null # builds the command line (and its AOT cache) if needed

load() { cut -d' ' -f1-3 /proc/loadavg; }
now() { date +%s%N; }
# median, ratio and ahead: the figures each measure prints.
# shellcheck source=side-by-side-stats.sh
source "$root/bench/side-by-side-stats.sh"

# Wall seconds of one run of a command, its output thrown away.
wall() {
  local t0 t1
  t0=$(now)
  "$@" >/dev/null 2>&1
  t1=$(now)
  awk -v n=$((t1 - t0)) 'BEGIN {printf "%.3f", n / 1e9}'
}

# A figure from a `kairos bench ... --json` run: the median of CASE's METRIC.
bench_median() {
  local json="$1" case="$2" metric="$3"
  grep -o "{\"case\":\"$case\",\"metric\":\"$metric\",[^{]*\"median\":[^,]*" <<<"$json" | sed 's/.*"median"://' \
    | awk '{printf "%.1f", $1}'
}

startup() {
  echo "== start-up: ./kairos --version and --help (target: under 0.15 s each); load $(load)"
  local version=() help=()
  for ((i = 0; i < rounds; i++)); do
    version+=("$(wall "$k" --version)")
    help+=("$(wall "$k" --help)")
  done
  echo "  --version s: ${version[*]}"
  echo "  --help s:    ${help[*]}"
  echo "RESULT startup: --version $(median "${version[@]}") s, --help $(median "${help[@]}") s (target < 0.15 s); load $(load)"
}

whole() {
  echo "== whole process, 2 batches: deferred_allocation -ll:cpu 1 vs ./kairos run deferred-allocation --cpus 1; load $(load)"
  local realm=() kairos=()
  for ((i = 0; i < rounds; i++)); do
    realm+=("$(wall "$bin/deferred_allocation" -ll:cpu 1)")
    kairos+=("$(wall "$k" run deferred-allocation --cpus 1)")
  done
  echo "  Realm s:  ${realm[*]}"
  echo "  Kairos s: ${kairos[*]}"
  local r k
  r=$(median "${realm[@]}")
  k=$(median "${kairos[@]}")
  echo "RESULT whole: Realm $r s, Kairos $k s, Kairos / Realm $(ratio "$k" "$r"), Kairos $(ahead lower "${realm[*]}" "${kairos[*]}")" \
    "(target <= 1.00x); load $(load)"
}

cold() {
  echo "== 1 000 batches of 1 MiB, one CPU processor, cold process; load $(load)"
  local realm=() kairos=() out
  for ((i = 0; i < cold_rounds; i++)); do
    out=$("$bin/deferred_allocation_scratch" -ll:cpu 1 -b 1000)
    realm+=("$(sed -n 's/.*batches\/s=\([0-9.]*\).*/\1/p' <<<"$out")")
    out=$("$k" run deferred-allocation --cpus 1 --batches 1000 2>/dev/null)
    kairos+=("$(sed -n 's/^  rate *\([0-9.]*\) batches\/s.*/\1/p' <<<"$out")")
  done
  echo "  Realm batches/s:  ${realm[*]}"
  echo "  Kairos batches/s: ${kairos[*]}"
  local r k
  r=$(median "${realm[@]}")
  k=$(median "${kairos[@]}")
  echo "RESULT cold: Realm $r batches/s, Kairos $k batches/s, Kairos / Realm $(ratio "$k" "$r")," \
    "Kairos $(ahead higher "${realm[*]}" "${kairos[*]}") (target >= 1.00x); load $(load)"
}

warm() {
  echo "== 1 000 batches of 1 MiB, Kairos warmed (kairos bench pipeline) vs Realm's process; load $(load)"
  local realm=() kairos=() ratios=() out
  for ((i = 0; i < rounds; i++)); do
    out=$("$bin/deferred_allocation_scratch" -ll:cpu 1 -b 1000)
    realm+=("$(sed -n 's/.*batches\/s=\([0-9.]*\).*/\1/p' <<<"$out")")
    out=$("$k" bench pipeline --cpus 1 --json 2>/dev/null | tail -n 1)
    kairos+=("$(bench_median "$out" deferred rate)")
    ratios+=("$(bench_median "$out" deferred/eager batches/s)")
  done
  echo "  Realm batches/s:             ${realm[*]}"
  echo "  Kairos deferred batches/s:   ${kairos[*]}"
  echo "  Kairos deferred / eager (%): ${ratios[*]}"
  local r k
  r=$(median "${realm[@]}")
  k=$(median "${kairos[@]}")
  echo "RESULT warm: Realm $r batches/s, Kairos $k batches/s, Kairos / Realm $(ratio "$k" "$r")," \
    "Kairos $(ahead higher "${realm[*]}" "${kairos[*]}") (target >= 1.50x);" \
    "deferred / eager $(median "${ratios[@]}") % (target >= 90 %); load $(load)"
}

overheads() {
  echo "== overheads: task_ubench gated completion, event_ubench FAN, the 32x32x16 DAG; load $(load)"
  local realm_tasks=() kairos_tasks=() realm_fan=() kairos_fan=() realm_dag=() kairos_dag=() out
  for ((i = 0; i < rounds; i++)); do
    out=$("$bin/task_ubench" -ll:cpu 1 -n 100000 -s 5 2>&1)
    realm_tasks+=("$(sed -n 's/.*Completion rate (tasks\/s): \([0-9.e+]*\),.*/\1/p' <<<"$out" | awk '{printf "%.0f", $1}')")
    out=$("$k" bench tasks --cpus 1 --json 2>/dev/null | tail -n 1)
    kairos_tasks+=("$(bench_median "$out" gated completion)")
    out=$("$bin/event_ubench" -ll:cpu 1 -t FAN -s 100 -m 1024 -n 1024 2>&1)
    realm_fan+=("$(sed -n 's/.*\t\([0-9.e+]*\) events\/s.*/\1/p' <<<"$out" | head -n 1 | awk '{printf "%.0f", $1}')")
    out=$("$bin/event_dag" -ll:cpu 1 2>&1)
    realm_dag+=("$(sed -n 's/^dag 32x32x16: median \([0-9.e+]*\) events\/s.*/\1/p' <<<"$out" | awk '{printf "%.0f", $1}')")
    out=$("$k" bench events-fan --cpus 1 --json 2>/dev/null | tail -n 1)
    kairos_fan+=("$(bench_median "$out" fan "events triggered")")
    kairos_dag+=("$(bench_median "$out" dag "events triggered")")
  done
  echo "  task_ubench completion/s: Realm ${realm_tasks[*]}; Kairos ${kairos_tasks[*]}"
  echo "  FAN events/s:             Realm ${realm_fan[*]}; Kairos ${kairos_fan[*]}"
  echo "  DAG events/s:             Realm ${realm_dag[*]}; Kairos ${kairos_dag[*]}"
  local rt kt rf kf rd kd
  rt=$(median "${realm_tasks[@]}"); kt=$(median "${kairos_tasks[@]}")
  rf=$(median "${realm_fan[@]}"); kf=$(median "${kairos_fan[@]}")
  rd=$(median "${realm_dag[@]}"); kd=$(median "${kairos_dag[@]}")
  echo "RESULT overheads: tasks gated completion Kairos / Realm $(ratio "$kt" "$rt")" \
    "($(ahead higher "${realm_tasks[*]}" "${kairos_tasks[*]}")), FAN $(ratio "$kf" "$rf")" \
    "($(ahead higher "${realm_fan[*]}" "${kairos_fan[*]}")), DAG $(ratio "$kd" "$rd")" \
    "($(ahead higher "${realm_dag[*]}" "${kairos_dag[*]}")) (target >= 3.00x for tasks and FAN); load $(load)"
}

echo "Kairos vs Realm side by side: $(uname -n), $(nproc) cores, $rounds rounds each ($cold_rounds for cold)," \
  "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
for section in "${sections[@]}"; do
  case $section in
    startup | whole | cold | warm | overheads) "$section" ;;
    *) echo "unknown section: $section (startup whole cold warm overheads)" >&2; exit 2 ;;
  esac
done
