#!/usr/bin/env bash
# What one CUDA call costs the native client, counted rather than timed (timing on a shared
# development VM is noise): instructions per call (valgrind's callgrind) and system calls per call
# (strace -c), over shm and tcp, against a standalone platform on the host backend with busy-polling
# transports, as the GPU run configures them.
#
#   client/perf/profile.sh [LIBDIR...]      (default: client/target/lib)
#
# Each operation of callcost.cu runs at two iteration counts; the difference divided by the extra
# iterations is the cost of one call, without start-up and first-call lookups. Instructions are
# counted with ORION_SPIN_US=0 (a reply not there at once is waited for in the kernel, so that
# spinning, whose length depends on how fast the server answers, is not counted); system calls with
# a spin of 10 s, i.e. busy polling as in the GPU run's benchmark (spelled so that builds without
# ORION_SPIN_US=-1 take it too): over shm the fast path makes none; over tcp every poll of the
# socket is one recvfrom, so beyond one per reply they count the wait.
# Several LIBDIRs (say a build of the previous commit) are measured one after the other.
#
# Needs valgrind, strace, nvcc, a Java 25 runtime (JAVA, else java on PATH) and
# launcher/target/standalone.jar. Options by environment: OPS (default "launch launch_sync h2d64
# d2h64"), TRANSPORTS ("shm tcp"), N1/N2 (200/600 under callgrind; strace runs 5x as many).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
libs=("$@")
[ ${#libs[@]} -gt 0 ] || libs=("$repo/client/target/lib")
ops=${OPS:-launch launch_sync h2d64 d2h64}
transports=${TRANSPORTS:-shm tcp}
n1=${N1:-200} n2=${N2:-600}
java=${JAVA:-$(command -v java)}
for tool in valgrind strace nvcc "$java"; do command -v "$tool" >/dev/null || { echo "profile.sh: $tool is missing" >&2; exit 2; }; done
work=$(mktemp -d /tmp/orion-profile-XXXXXX)
shm_dir=$(mktemp -d /dev/shm/orion-profile-XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work" "$shm_dir"; }
trap cleanup EXIT

nvcc -arch=sm_90 -cudart shared -O2 -o "$work/callcost" "$here/callcost.cu" || exit 2

# the platform: host backend, busy-polling transports, REST and tcp on free ports
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
http=$(port) tcp=$(port) console=$(port)
home="$work/platform"
mkdir -p "$home/config/io/orion/transport" "$home/config/io/orion/backend" "$home/deploy"
printf 'service.pid="io.orion.transport.tcp"\nport="%s"\nbindAddress="127.0.0.1"\nbusyPoll=B"true"\n' "$tcp" > "$home/config/io/orion/transport/tcp.config"
printf 'service.pid="io.orion.transport.shm"\ndirectory="%s"\nbusyPoll=B"true"\n' "$shm_dir" > "$home/config/io/orion/transport/shm.config"
printf 'service.pid="io.orion.backend.host"\ndevices="1"\nmemoryMiB="1024"\n' > "$home/config/io/orion/backend/host.config"
"$java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:+UseSerialGC -Dgosh.args=--nointeractive \
  -Dorion.role=standalone -Dorion.home="$home" -Dorg.osgi.service.http.port="$http" -Dorion.console.port="$console" \
  -Dfelix.fileinstall.dir="$home/deploy" -Dfelix.cm.dir="$home/config" -Dorg.osgi.framework.storage="$home/cache" \
  -Dorion.log.file="$home/orion.log" -jar "$repo/launcher/target/standalone.jar" > "$home/process.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  nodes=$(curl -s "http://127.0.0.1:$http/api/v1/nodes" || true)
  [[ $nodes == *"tcp://127.0.0.1:$tcp"* && $nodes == *"shm://$shm_dir"* && $nodes == *GPU-* ]] && break
  kill -0 "$pid" 2>/dev/null || { echo "profile.sh: the platform exited: $(tail -5 "$home/process.log")" >&2; exit 2; }
  sleep 0.3
done
export ORION_CONTROLLER="127.0.0.1:$http" ORION_CLIENT_CONF=/dev/null ORION_LOG_LEVEL=WARN ORION_GMEM=512

instructions() { # LIB TRANSPORT OP N -> instructions of the whole process
  ORION_SPIN_US=0 ORION_TRANSPORT=$2 LD_LIBRARY_PATH=$1 valgrind --tool=callgrind --callgrind-out-file="$work/cg" \
    "$work/callcost" "$3" "$4" > /dev/null 2>&1 || { echo 0; return; }
  awk '/^summary:/ {print $2}' "$work/cg"
}
syscalls() { # LIB TRANSPORT OP N -> "name calls" lines of the whole process
  ORION_SPIN_US=10000000 ORION_TRANSPORT=$2 LD_LIBRARY_PATH=$1 strace -f -c -o "$work/sc" "$work/callcost" "$3" "$4" > /dev/null 2>&1
  awk '$1 ~ /^[0-9.]+$/ && $NF != "total" {print $NF, $4}' "$work/sc"
}
per_call_syscalls() { # LIB TRANSPORT OP -> "total name n ..." per call
  local k=$(( 5 * (n2 - n1) ))
  { syscalls "$1" "$2" "$3" $(( 5 * n1 )) | sed 's/^/- /'; syscalls "$1" "$2" "$3" $(( 5 * n2 )) | sed 's/^/+ /'; } | awk -v k="$k" '
    { d[$2] += ($1 == "+" ? $3 : -$3) }
    END { total = 0; out = ""
          for (s in d) { total += d[s] / k; if (d[s] / k >= 0.01 || d[s] / k <= -0.01) out = out sprintf(" %s %.2f", s, d[s] / k) }
          printf "%.2f%s", total, out }'
}

printf '%-40s %-4s %-12s %14s  %s\n' library via call "instructions" "system calls per call"
for lib in "${libs[@]}"; do
  for t in $transports; do
    for op in $ops; do
      a=$(instructions "$lib" "$t" "$op" "$n1"); b=$(instructions "$lib" "$t" "$op" "$n2")
      printf '%-40s %-4s %-12s %14s  %s\n' "$lib" "$t" "$op" $(( (b - a) / (n2 - n1) )) "$(per_call_syscalls "$lib" "$t" "$op")"
    done
  done
done
