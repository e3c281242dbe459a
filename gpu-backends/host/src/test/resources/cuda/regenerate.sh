#!/usr/bin/env bash
# Regenerates the PTX of the interpreter's test kernels with nvcc (CUDA 13), the same way the
# samples are built: nvcc -ptx -arch=sm_90. The PTX is committed so the instruction tests run
# without a CUDA toolkit; rerun this after editing a .cu file (or to test a newer nvcc).
# debug/ holds the samples built for debugging (-G: local-memory frames, debug sections), which
# SampleKernelsTest runs against the same references as the optimised builds.
set -euo pipefail
cd "$(dirname "$0")"
for cu in *.cu; do
  nvcc -ptx -arch=sm_90 -Werror all-warnings -o "${cu%.cu}.ptx" "$cu"
done
mkdir -p debug
for cu in ../../../../../../samples/kernels/*.cu; do
  name=$(basename "$cu" .cu)
  nvcc -ptx -arch=sm_90 -G -Werror all-warnings -o "debug/$name.ptx" "$cu"
done
echo "regenerated $(ls *.cu | wc -l) PTX files with $(nvcc --version | tail -1)"
