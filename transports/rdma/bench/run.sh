#!/usr/bin/env bash
# TCP against RDMA through the Java client and the real server (docs/rdma.md §7): round-trip
# latency and host<->device bandwidth from pinned buffers, as one table.
#
#   transports/rdma/bench/run.sh server --bind ADDR [--backend cuda|host] [--ucx NAME=VALUE]...   (the GPU node)
#   transports/rdma/bench/run.sh client --server ADDR [--pings N] [--max-mib N] [--out FILE]     (the other node)
#   transports/rdma/bench/run.sh local  [--backend host] [--ucx TLS=shm] --loopback ...            (both here)
#
# A run whose rdma endpoint UCX did not carry over an RDMA transport (rc, dc, ud lanes) prints no
# table and exits 3, unless --loopback says it measures UCX's shared memory or TCP on purpose (its
# rows then say so). Every sample, the command and UCX's own log (UCX_LOG_LEVEL=info, which names
# the lanes) are kept in --raw DIR (default rdma-bench-raw-DATE-TIME here).
#
# Needs a JDK/JRE 25 (JAVA, else java on PATH), UCX on both machines (the system's, or
# ORION_UCX_LIB=DIR holding libucp.so.0; bin/ensure-ucx makes .tools/ucx/lib) and what the build
# left under transports/rdma/target (run bin/build first). UCX reads its UCX_* variables as usual:
# UCX_NET_DEVICES=mlx5_0:1 picks the HCA port.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/.." && pwd)
root=$(cd "$module/../.." && pwd)
java=${JAVA:-$(command -v java || true)}
[ -n "$java" ] && [ -x "$java" ] || { echo "run.sh: no java (set JAVA to a JDK 25's bin/java)" >&2; exit 1; }
jar=$(ls "$module"/target/io.orion.transport.rdma-*.jar 2>/dev/null | grep -v -- '-tests.jar' | head -1 || true)
[ -n "$jar" ] && [ -d "$module/target/test-classes" ] && [ -d "$module/target/bench-lib" ] \
  || { echo "run.sh: build first (bin/build): $module/target has no jar, test-classes or bench-lib" >&2; exit 1; }
raw=
prev=
for a in "$@"; do [ "$prev" = --raw ] && raw=$a; prev=$a; done
if [ -z "$raw" ]; then raw="$PWD/rdma-bench-raw-$(date +%Y%m%d-%H%M%S)"; set -- "$@" --raw "$raw"; fi
mkdir -p "$raw"
# UCX's log goes to the raw directory, at info: its ep_cfg lines say which lanes carried the rdma endpoint
export UCX_LOG_LEVEL=info UCX_LOG_FILE="$raw/ucx.%p.log"
lib=${ORION_UCX_LIB:-}
[ -z "$lib" ] && [ -e "$root/.tools/ucx/lib/libucp.so.0" ] && [ ! -e /usr/lib/x86_64-linux-gnu/libucp.so.0 ] && lib="$root/.tools/ucx/lib"
exec "$java" --enable-native-access=ALL-UNNAMED -Xms1g -Dorion.log.level=WARN -Dorion.ucx.libraryPath="$lib" \
  -cp "$module/target/test-classes:$jar:$module/target/bench-lib/*" io.orion.transport.rdma.bench.RdmaBench "$@"
