#!/usr/bin/env bash
# Compiles every samples/kernels/*.cu with nvcc, for the host backend's tests and for demos:
#
#   OUT/NAME.ptx                 nvcc -ptx -arch=sm_90
#   OUT/NAME.fatbin              nvcc -fatbin -arch=sm_90 (CUDA 13's default: device code compressed)
#   OUT/NAME.uncompressed.fatbin nvcc -fatbin -arch=sm_90 --compress-mode=none
#
# sm_90 is the H200's architecture, so one fat binary holds both the SASS the real GPU runs and the
# compute_90 PTX the host backend interprets. An output newer than its source is kept.
#
#   build-kernels.sh OUT_DIR
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build-kernels.sh OUT_DIR}
arch=sm_90

find_nvcc() {
  if command -v nvcc >/dev/null 2>&1; then command -v nvcc; return; fi
  for dir in "${CUDA_HOME:-}" /usr/local/cuda-13.0 /usr/local/cuda; do
    if [ -n "$dir" ] && [ -x "$dir/bin/nvcc" ]; then echo "$dir/bin/nvcc"; return; fi
  done
  return 1
}

if ! nvcc=$(find_nvcc); then
  echo "samples: nvcc not found. The samples need the CUDA 13 toolkit: put its bin/ on PATH, set" >&2
  echo "CUDA_HOME, or install it at /usr/local/cuda-13.0 (where the build looks by default)." >&2
  echo "To build the rest without the samples, pass -Dorion.samples.skip=true (the host backend's tests need them)." >&2
  exit 1
fi
version=$("$nvcc" --version | sed -n 's/.*release \([0-9]*\)\..*/\1/p')
if [ "${version:-0}" -lt 13 ]; then
  echo "samples: $nvcc is CUDA ${version:-unknown}; the samples need CUDA 13 or newer (expected at /usr/local/cuda-13.0)." >&2
  exit 1
fi

mkdir -p "$out"
compiled=0
for cu in "$here"/kernels/*.cu; do
  name=$(basename "$cu" .cu)
  # -Werror all-warnings keeps the kernels clean; -lineinfo is left out so the PTX stays small.
  build() { # OUTPUT then nvcc arguments
    local target=$1; shift
    if [ "$target" -nt "$cu" ]; then return; fi
    "$nvcc" -arch=$arch -Werror all-warnings "$@" -o "$target.tmp" "$cu"
    mv "$target.tmp" "$target"
    compiled=$((compiled + 1))
  }
  build "$out/$name.ptx" -ptx
  build "$out/$name.fatbin" -fatbin
  build "$out/$name.uncompressed.fatbin" -fatbin --compress-mode=none
done
echo "samples: $compiled file(s) compiled with $nvcc into $out"
