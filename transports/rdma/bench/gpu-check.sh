#!/usr/bin/env bash
# The rdma transport on the CUDA backend (docs/rdma.md §7): the real server with its device in an
# H200's memory, the Java client through rdma over UCX's shared memory and over UCX's TCP (there is
# no RDMA device on that machine, so these are loopback runs and say so), and plain TCP beside
# them. Every copy goes through the server's region into the GPU and back, and the bytes are
# checked. Ends with a short table. About a minute.
#
#   transports/rdma/bench/gpu-check.sh OUT_DIR
#
# BACKEND=host runs the same on the CPU (to try the script on a machine without a GPU).
#
# Needs what the build left here (transports/rdma/target: the jar, test-classes, bench-lib), UCX in
# .tools/ucx (bin/ensure-ucx) and a JRE 25 (JAVA, else /tmp/jre/bin/java, else .device/jre.tar.xz
# unpacked into /tmp/jre, else java on PATH). Nothing is fetched: the GPU machine has no network.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${1:?usage: gpu-check.sh OUT_DIR}
backend=${BACKEND:-cuda}
mkdir -p "$out"

java=${JAVA:-/tmp/jre/bin/java}
if [ ! -x "$java" ] && [ -f "$root/.device/jre.tar.xz" ]; then tar -xJf "$root/.device/jre.tar.xz" -C /tmp; fi
[ -x "$java" ] || java=$(command -v java || true)
[ -n "$java" ] && [ -x "$java" ] || { echo "gpu-check.sh: no java (set JAVA, or carry .device/jre.tar.xz)" >&2; exit 1; }
export JAVA=$java

# UCX from .tools/ucx, copied out and its library names made again (ldconfig -n): a copy of the tree
# may have lost its symbolic links (libucp.so.0 -> libucp.so.0.0.0)
ucx_src="$root/.tools/ucx/root/usr/lib/x86_64-linux-gnu"
[ -e "$ucx_src/libucp.so.0.0.0" ] || { echo "gpu-check.sh: no UCX in $ucx_src (run bin/ensure-ucx, carry .tools/ucx)" >&2; exit 1; }
ucx=/tmp/orion-ucx-lib
rm -rf "$ucx" && cp -r "$ucx_src" "$ucx"
ldconfig -n "$ucx" "$ucx/ucx" 2>/dev/null || /sbin/ldconfig -n "$ucx" "$ucx/ucx"
export ORION_UCX_LIB=$ucx

{
  echo "# $(date -u +%FT%TZ) $(uname -n) $(uname -r)"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || echo "no nvidia-smi"
  ls /sys/class/infiniband 2>/dev/null || echo "no /sys/class/infiniband: no RDMA device (loopback runs only)"
  "$java" -version 2>&1 | head -1
} | tee "$out/env.txt"

rc=0
for tls in shm tcp; do
  # over UCX's TCP, RMA is emulated and slow (docs/rdma.md §6): smaller copies
  mib=256; [ "$tls" = tcp ] && mib=64
  echo "== UCX_TLS=$tls: RdmaBench local --backend $backend --loopback --max-mib $mib" | tee -a "$out/gpu-check.log"
  if UCX_TLS=$tls "$here/run.sh" local --backend "$backend" --ucx "TLS=$tls" --loopback --pings 5000 --max-mib "$mib" \
       --raw "$out/raw-$tls" --out "$out/table-$tls.md" >>"$out/gpu-check.log" 2>&1; then
    echo "ok" | tee -a "$out/gpu-check.log"
  else
    rc=$?
    echo "FAILED ($rc): see $out/gpu-check.log" | tee -a "$out/gpu-check.log"
    tail -20 "$out/gpu-check.log"
  fi
done

# the short table: TCP once, then rdma over each UCX transport
echo
echo "rdma transport on the $backend backend ($(head -2 "$out/env.txt" | tail -1)); raw samples in $out/raw-*"
first=1
for tls in shm tcp; do
  t="$out/table-$tls.md"
  [ -f "$t" ] || { echo "| rdma over UCX $tls | FAILED | | |"; continue; }
  if [ $first = 1 ]; then sed -n '1,4p' "$t"; first=0; else grep '^| rdma' "$t"; fi
done
exit $rc
