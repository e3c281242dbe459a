#!/usr/bin/env bash
# Builds the fake CUDA driver and NVML used by the tests into $1 (target/fake):
#   $1/cuda/libcuda.so.1 (+ libcuda.so for linking gpu/bench.c), $1/nvml/libnvidia-ml.so.1,
#   $1/cuda-old/libcuda.so.1 (a driver missing cuEventElapsedTime_v2, for the "too old" check).
# Needs gcc and CUDA's cuda.h (CUDA_INCLUDE, else $CUDA_HOME/include, /usr/local/cuda/include,
# /usr/local/cuda-*/include). Without them it writes $1/UNAVAILABLE with the reason and succeeds:
# the tests that need the fakes are then skipped and say why.
set -euo pipefail
out=${1:?usage: build-fakes.sh OUTPUT_DIR}
src=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"
mkdir -p "$out/cuda" "$out/nvml" "$out/cuda-old"

unavailable() { echo "$*" > "$out/UNAVAILABLE"; echo "build-fakes.sh: $* (fake-driver tests will be skipped)" >&2; exit 0; }

command -v gcc >/dev/null 2>&1 || unavailable "no gcc on PATH"
inc=""
for d in "${CUDA_INCLUDE:-}" "${CUDA_HOME:+$CUDA_HOME/include}" /usr/local/cuda/include /usr/local/cuda-*/include; do
  if [ -n "$d" ] && [ -f "$d/cuda.h" ]; then inc=$d; break; fi
done
[ -n "$inc" ] || unavailable "no cuda.h found (set CUDA_INCLUDE)"

flags=(-std=c11 -O2 -g -fPIC -shared -Wall -Wextra -Werror -pthread)
gcc "${flags[@]}" -I"$inc" -Wl,-soname,libcuda.so.1 -o "$out/cuda/libcuda.so.1" "$src/fakecuda.c" -lm
ln -sf libcuda.so.1 "$out/cuda/libcuda.so"
gcc "${flags[@]}" -I"$inc" -DFAKE_OLD_DRIVER -Wl,-soname,libcuda.so.1 -o "$out/cuda-old/libcuda.so.1" "$src/fakecuda.c" -lm
gcc "${flags[@]}" -Wl,-soname,libnvidia-ml.so.1 -o "$out/nvml/libnvidia-ml.so.1" "$src/fakenvml.c"
echo "$inc" > "$out/CUDA_INCLUDE"
