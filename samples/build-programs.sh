#!/usr/bin/env bash
# Compiles the sample programs (programs/*.cu) the ordinary way, with the shared CUDA runtime, as
# unmodified user programs would be built; they run natively on a GPU and through orion-run on a
# vGPU, and each checks its own results (exit status 0 only when everything was right).
#
#   OUT_DIR/NAME      nvcc -arch=sm_90 -cudart shared -O2 (driver_*.cu also -lcuda)
#   OUT_DIR/static_vector_add   vector_add.cu with nvcc's default static runtime: what Orion (like
#                     every API-remoting system) cannot serve; the tests check that this is said
#
# The driver-API programs link against libcuda.so: the toolkit's stubs/ or an installed driver's.
# Where neither exists (a machine without a GPU), a link-time stub is made from the symbols the
# program needs; at run time the program loads libcuda.so.1 like any other (Orion's, under orion-run).
#
#   build-programs.sh OUT_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build-programs.sh OUT_DIR}
arch=sm_90

find_nvcc() {
  if command -v nvcc >/dev/null 2>&1; then command -v nvcc; return; fi
  for dir in "${CUDA_HOME:-}" /usr/local/cuda-13.0 /usr/local/cuda; do
    if [ -n "$dir" ] && [ -x "$dir/bin/nvcc" ]; then echo "$dir/bin/nvcc"; return; fi
  done
  return 1
}
if ! nvcc=$(find_nvcc); then
  echo "samples: nvcc not found (CUDA 13 toolkit: put its bin/ on PATH, set CUDA_HOME, or install /usr/local/cuda-13.0)" >&2
  exit 1
fi
cuda_root=$(cd "$(dirname "$nvcc")/.." && pwd)

# A directory holding libcuda.so to link driver-API programs against, or empty.
libcuda_dir() {
  for d in "$cuda_root/lib64/stubs" "$cuda_root/targets/x86_64-linux/lib/stubs" /usr/local/cuda/lib64/stubs \
           /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib/wsl/lib; do
    if [ -e "$d/libcuda.so" ]; then echo "$d"; return; fi
  done
}

mkdir -p "$out"
compiled=0
for cu in "$here"/programs/*.cu; do
  name=$(basename "$cu" .cu)
  target="$out/$name"
  if [ "$target" -nt "$cu" ] && [ "$target" -nt "$here/programs/common.h" ]; then continue; fi
  flags=(-arch=$arch -cudart shared -O2 -Werror all-warnings)
  if [[ $name == driver_* ]]; then
    dir=$(libcuda_dir)
    if [ -z "$dir" ]; then
      # link stub: every cu* symbol the program refers to, in a library named like the driver's
      dir="$out/link-stubs"
      mkdir -p "$dir"
      "$nvcc" "${flags[@]}" -c -o "$dir/$name.o" "$cu"
      nm -u "$dir/$name.o" | awk '$2 ~ /^cu/ {print "int " $2 "(void) { return 999; }"}' > "$dir/$name-stub.c"
      gcc -shared -fPIC -Wl,-soname,libcuda.so.1 -o "$dir/libcuda.so" "$dir/$name-stub.c"
      rm -f "$dir/$name.o"
    fi
    flags+=(-L"$dir" -lcuda)
  fi
  "$nvcc" "${flags[@]}" -o "$target.tmp" "$cu"
  mv "$target.tmp" "$target"
  compiled=$((compiled + 1))
done
static="$out/static_vector_add"
if ! [ "$static" -nt "$here/programs/vector_add.cu" ]; then
  "$nvcc" -arch=$arch -cudart static -O2 -o "$static.tmp" "$here/programs/vector_add.cu"
  mv "$static.tmp" "$static"
  compiled=$((compiled + 1))
fi
echo "samples: $compiled program(s) compiled with $nvcc into $out"
