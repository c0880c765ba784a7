#!/bin/sh
# Builds Kairos's software CUDA driver, a libcuda.so.1 for tests that runs on host memory (driver.c
# says what it models), with the project's kernels compiled for the host:
#
#   cuda-backend/software-driver/build.sh OUTDIR      writes OUTDIR/libcuda.so.1
#
# Then run anything that uses CUDA with LD_LIBRARY_PATH=OUTDIR, e.g.
#   LD_LIBRARY_PATH=OUTDIR ./kairos machine
#
# Needs gcc and g++ ($CC and $CXX when set). Each kernels/src/main/cuda/<module>.cu is compiled as
# C++ with cuda_shim.h in front of it, and its extern "C" __global__ functions become the host
# kernels the driver knows by name (host_kernel_entry.h reads their parameters from their types).
# The library exports the CUDA entry points and the two kairos_softcuda_* functions, nothing else.
set -eu

if [ $# -ne 1 ]; then
  echo "usage: $0 OUTDIR   (builds OUTDIR/libcuda.so.1)" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
sources=$(cd "$here/../../kernels/src/main/cuda" && pwd)
cc=${CC:-gcc}
cxx=${CXX:-g++}
for tool in "$cc" "$cxx"; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "[software-driver] $tool not found: the software CUDA driver needs gcc and g++" \
      "(Debian/Ubuntu: apt-get install gcc g++; or set CC and CXX)" >&2
    exit 1
  fi
done

mkdir -p "$1"
out=$(cd "$1" && pwd)
work=$(mktemp -d "$out/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT

flags="-O2 -fPIC -fvisibility=hidden -Wall -Wextra -Werror -I$here"
modules=""
for source in "$sources"/*.cu; do
  module=$(basename "$source" .cu)
  case "$module" in
    *[!A-Za-z0-9_]* | [0-9]*)
      echo "[software-driver] $source: a module name must be a C identifier" >&2
      exit 1
      ;;
  esac
  kernels=$(sed -n 's/^extern "C" __global__ void \([A-Za-z_][A-Za-z0-9_]*\)(.*/\1/p' "$source")
  if [ -z "$kernels" ]; then
    echo "[software-driver] $source declares no kernel (a line starting: extern \"C\" __global__ void NAME()" >&2
    exit 1
  fi
  {
    echo '#include "cuda_shim.h"'
    echo "#include \"$source\""
    echo '#include "host_kernel_entry.h"'
    echo "extern \"C\" const struct host_kernel kairos_host_kernels_$module[] = {"
    for kernel in $kernels; do
      echo "    HOST_KERNEL($kernel),"
    done
    echo "    {nullptr, 0, nullptr, nullptr, nullptr}};"
  } > "$work/$module.cpp"
  # shellcheck disable=SC2086 # flags are split on purpose
  "$cxx" -std=c++17 -fno-exceptions -fno-rtti $flags -c "$work/$module.cpp" -o "$work/$module.o"
  modules="$modules $module"
done

{
  echo '#include "host_kernels.h"'
  for module in $modules; do
    echo "extern const struct host_kernel kairos_host_kernels_$module[];"
  done
  echo "const struct host_kernel *const kairos_host_kernel_tables[] = {"
  for module in $modules; do
    echo "    kairos_host_kernels_$module,"
  done
  echo "    0};"
} > "$work/tables.c"

# shellcheck disable=SC2086
"$cc" -std=c11 $flags -c "$here/driver.c" -o "$work/driver.o"
# shellcheck disable=SC2086
"$cc" -std=c11 $flags -c "$work/tables.c" -o "$work/tables.o"
"$cc" -shared -Wl,-soname,libcuda.so.1 -Wl,--no-undefined -o "$work/libcuda.so.1" "$work"/*.o -lpthread
mv "$work/libcuda.so.1" "$out/libcuda.so.1"
echo "[software-driver] $out/libcuda.so.1: kernels of$modules"
