#!/bin/sh
# Compiles each CUDA C source in src/main/cuda to PTX: <name>.cu -> <name>.ptx.
#
#   kernels/build-ptx.sh                          refresh the committed PTX in
#                                                 src/main/resources/dev/kairos/kernels
#   kernels/build-ptx.sh OUT_DIR                  write the PTX to OUT_DIR instead
#   kernels/build-ptx.sh --if-available OUT_DIR   the same, but when there is no nvcc print
#                                                 one line and exit 0 (the Maven build)
#
# The .ptx files already in the output folder are removed first, so a deleted
# source leaves no stale PTX behind.
#
# nvcc is $NVCC when set, else the first found of: nvcc on PATH,
# $CUDA_HOME/bin/nvcc, /usr/local/cuda/bin/nvcc.
#
# These flags are the one definition of how Kairos builds PTX; the test that
# compares the committed PTX with the installed nvcc runs this script too.
#   -arch=compute_75  a virtual architecture: the driver compiles the PTX for
#                     the GPU at load time, so it runs on sm_75 (Turing) and newer
#   -O3
# Nothing else goes in: -lineinfo and -G embed source paths, and nvcc runs in
# src/main/cuda on bare file names, so the output depends only on the sources
# and the nvcc version.
set -eu

module_dir=$(cd "$(dirname "$0")" && pwd)
source_dir="$module_dir/src/main/cuda"

if_available=false
if [ "${1:-}" = "--if-available" ]; then
  if_available=true
  shift
fi
out_dir=${1:-"$module_dir/src/main/resources/dev/kairos/kernels"}

find_nvcc() {
  if [ -n "${NVCC:-}" ]; then
    echo "$NVCC"
  elif command -v nvcc >/dev/null 2>&1; then
    command -v nvcc
  elif [ -n "${CUDA_HOME:-}" ] && [ -x "$CUDA_HOME/bin/nvcc" ]; then
    echo "$CUDA_HOME/bin/nvcc"
  elif [ -x /usr/local/cuda/bin/nvcc ]; then
    echo /usr/local/cuda/bin/nvcc
  fi
}

nvcc=$(find_nvcc)
if [ -z "$nvcc" ]; then
  if $if_available; then
    echo "[kernels] nvcc not found (PATH, \$CUDA_HOME/bin, /usr/local/cuda/bin): packaging the committed PTX"
    exit 0
  fi
  echo "[kernels] nvcc not found on PATH, at \$CUDA_HOME/bin/nvcc or /usr/local/cuda/bin/nvcc;" \
    "install the CUDA toolkit or set NVCC" >&2
  exit 1
fi

mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
rm -f "$out_dir"/*.ptx

cd "$source_dir"
count=0
for source in *.cu; do
  "$nvcc" -ptx -arch=compute_75 -O3 -o "$out_dir/${source%.cu}.ptx" "$source"
  count=$((count + 1))
done
echo "[kernels] $nvcc compiled $count CUDA sources to $out_dir"
