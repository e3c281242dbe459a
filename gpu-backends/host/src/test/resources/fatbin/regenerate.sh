#!/usr/bin/env bash
# Fat binaries for the module-loading tests, built from the vector_add sample with nvcc (CUDA 13):
#   speed.fatbin      --compress-mode=speed: device code compressed as LZ4 blocks (flag 0x2000)
#   sass-only.fatbin  SASS for sm_90 and no PTX: the host backend must refuse it, naming the fix
#   multi-arch.fatbin PTX for compute_75, compute_90 and compute_100: the backend picks compute_90
#   executable.nv_fatbin  the .nv_fatbin section of program.cu built as an executable: nvlink's
#                     stub container (SASS without code) followed by the program's (SASS and PTX)
# (The default, Zstandard-compressed fat binaries come from the samples build.)
set -euo pipefail
cd "$(dirname "$0")"
src=../../../../../../samples/kernels/vector_add.cu
nvcc -fatbin -arch=sm_90 --compress-mode=speed -o speed.fatbin "$src"
nvcc -fatbin -gencode arch=compute_90,code=sm_90 -o sass-only.fatbin "$src"
nvcc -fatbin -gencode arch=compute_75,code=compute_75 -gencode arch=compute_90,code=compute_90 \
     -gencode arch=compute_100,code=compute_100 -o multi-arch.fatbin "$src"
tmp=$(mktemp -d)
nvcc -o "$tmp/program" program.cu
objcopy -O binary --only-section=.nv_fatbin "$tmp/program" executable.nv_fatbin
rm -rf "$tmp"
ls -l *.fatbin *.nv_fatbin
