#!/usr/bin/env bash
# Lists every driver API function the CUDA headers declare, under the symbol names programs built
# with those headers reference (cuda.h maps cuMemAlloc to cuMemAlloc_v2 and so on).
#   gen-driver-exports.sh CUDA_INCLUDE > driver-exports.txt
set -euo pipefail
inc=${1:?usage: gen-driver-exports.sh CUDA_INCLUDE}
echo '#include <cuda.h>' | ${CC:-gcc} -E -P -I"$inc" -x c - | tr '\n' ' ' | tr ';' '\n' \
  | grep -oE '(^|[^A-Za-z0-9_])CUresult +cu[A-Za-z0-9_]+ *\(' | grep -oE 'cu[A-Za-z0-9_]+' | sort -u
