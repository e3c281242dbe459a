#!/usr/bin/env bash
# Regenerates the cuda backend's FFM bindings (package io.orion.backend.cuda.internal.ffi) with jextract
# from CUDA's cuda.h and NVML's nvml.h, restricted to what the *.args files next to this script list.
#
#   JEXTRACT=/path/to/jextract CUDA_INCLUDE=/usr/local/cuda/include NVML_INCLUDE=/path/to/dir/of/nvml.h \
#       gpu-backends/cuda/jextract/regen.sh
#
# JEXTRACT defaults to `jextract` on PATH, CUDA_INCLUDE to /usr/local/cuda/include, NVML_INCLUDE to
# CUDA_INCLUDE. This script does not build or fetch jextract or the headers: docs/cuda-backend.md says
# where they come from. The output is deterministic; commit it together with any change to the *.args.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/.." && pwd)
jextract=${JEXTRACT:-$(command -v jextract || true)}
cuda_include=${CUDA_INCLUDE:-/usr/local/cuda/include}
nvml_include=${NVML_INCLUDE:-$cuda_include}
package_dir="$module/src/main/java/io/orion/backend/cuda/internal/ffi"

die() { echo "regen.sh: $*" >&2; exit 1; }
[ -n "$jextract" ] && [ -x "$jextract" ] || die "no jextract: put it on PATH or set JEXTRACT (now '${JEXTRACT:-}')"
[ -f "$cuda_include/cuda.h" ] || die "no cuda.h in CUDA_INCLUDE=$cuda_include"
[ -f "$nvml_include/nvml.h" ] || die "no nvml.h in NVML_INCLUDE=$nvml_include"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# jextract silently generates nothing for a name the header does not declare (cuMemAlloc is only a
# macro for cuMemAlloc_v2), so every name an argfile asks for must appear in the header's symbol dump.
check_names() { # argfile dumpfile
  local missing
  missing=$(grep -E '^--include-[a-z]+ ' "$1" | while read -r kind name _; do
      grep -qE -- "^$kind $name( |\$)" "$2" || echo "  $kind $name"
    done)
  [ -z "$missing" ] || die "$(basename "$1") asks for names the header does not declare:
$missing"
}

generate() { # header argfile...
  local header=$1; shift
  local dump="$work/$(basename "$header").includes"
  [ -f "$dump" ] || "$jextract" --dump-includes "$dump" "$header" >"$work/dump.log" 2>&1 || { cat "$work/dump.log" >&2; die "jextract could not parse $header"; }
  for args in "$@"; do
    check_names "$here/$args" "$dump"
    "$jextract" @"$here/$args" --output "$work/gen" "$header" 2>&1 | { grep -v ' warning: Skipping ' || true; }
  done
}

generate "$cuda_include/cuda.h" cuda-driver.args cuda-constants.args
generate "$nvml_include/nvml.h" nvml.args

generated="$work/gen/io/orion/backend/cuda/internal/ffi"
[ -d "$generated" ] || die "jextract produced no package directory"
rm -rf "$package_dir"
mkdir -p "$package_dir"
cp "$generated"/*.java "$package_dir/"
echo "regen.sh: $(ls "$package_dir" | wc -l) files in ${package_dir#"$module"/}"
