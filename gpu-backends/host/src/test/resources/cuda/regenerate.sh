#!/usr/bin/env bash
# Regenerates the PTX of the interpreter's test kernels with nvcc (CUDA 13), the same way the
# samples are built: nvcc -ptx -arch=sm_90. The PTX is committed so the instruction tests run
# without a CUDA toolkit; rerun this after editing a .cu file (or to test a newer nvcc).
set -euo pipefail
cd "$(dirname "$0")"
for cu in *.cu; do
  nvcc -ptx -arch=sm_90 -Werror all-warnings -o "${cu%.cu}.ptx" "$cu"
done
echo "regenerated $(ls *.cu | wc -l) PTX files with $(nvcc --version | tail -1)"
