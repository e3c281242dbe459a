#!/usr/bin/env bash
# Writes the linker version script of a library: every name in the export lists under the version
# node NODE (e.g. libcudart.so.13, as NVIDIA's library defines it, so unmodified programs bind to
# these symbols), everything else local. An empty NODE writes an unversioned script.
#   gen-map.sh NODE EXPORTS_FILE... > lib.map
set -euo pipefail
node=$1; shift
echo "${node} {"
echo "  global:"
cat "$@" | sort -u | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\**\)$/    \1;/p'
echo "  local: *;"
echo "};"
