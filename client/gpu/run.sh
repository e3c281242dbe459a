#!/usr/bin/env bash
# The native client on a real GPU, in one command, on the GPU machine:
#
#   OUT=/some/dir client/gpu/run.sh
#
# Starts the standalone platform (its CUDA backend takes the GPU) on free ports, then runs every
# sample program three ways -- natively (NVIDIA's runtime and driver), and unmodified through
# orion-run over shared memory and over TCP -- at the default sizes and at GPU sizes, and checks
# that every run passes its own checks and that the three print exactly the same. Then the
# latency/bandwidth benchmark (gpu/bench.cu) runs the same three ways, with the Java harness's
# counts, warm-up and sizes (RemotingBench, docs/benchmarks.md), and the ratios to native are
# checked against the targets of DESIGN.md §11 (PASS/MISS). orion-smi is shown while a program
# runs, once a heartbeat has reported its usage. Everything goes to $OUT/native-client.txt; the
# summary and the tables come last. About a minute and a half on the H200.
#
# Needs the working tree with these built elsewhere (bin/build) and carried: launcher/target
# (standalone.jar), client/target (lib/, bin/), samples/target (programs/, kernels/); where
# client/target or samples/target are missing and gcc/nvcc are here, they are built here. A Java 25
# runtime (JAVA, else java on PATH, else /tmp/jre/bin/java), nvcc, the NVIDIA driver, and the
# CUDA toolkit's libcudart.so.13 for the native runs. No Maven, no network.
#
# Exit status: 0 every sample passed and matched native over both transports; 1 something did
# not; 2 nothing could be run (the message says what is missing). Missed targets are reported,
# not counted in the exit status.
# Knobs: ORION_GMEM (MiB per vGPU, default 16384); COMPUTE_MODE (the server's compute gate: off,
# as the Java harness's server has it, or elastic/strict as deployed); for the benchmark BENCH_LAUNCHES (20000),
# BENCH_QUEUED (100000), BENCH_MAX_BYTES (268435456), BENCH_BUDGET_MS (300 per size), and
# ORION_SPIN_US (-1: the client busy-polls for replies, as the Java client does in its harness).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
client=$(cd "$here/.." && pwd)
repo=$(cd "$client/.." && pwd)
: "${OUT:?set OUT to the folder for the results}"
mkdir -p "$OUT"
log="$OUT/native-client.txt"
work="$OUT/native-client"
rm -rf "$work"
mkdir -p "$work"
: > "$log"

say() { echo "$*" | tee -a "$log"; }
stop() { say "run.sh: $*"; exit 2; }

say "== native client on a GPU, $(date -u "+%Y-%m-%d %H:%M:%S UTC") on ${HOSTNAME:-$(uname -n)}"
[ -d "$repo/.git" ] && command -v git >/dev/null 2>&1 && say "tree: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null) $(git -C "$repo" status --porcelain 2>/dev/null | wc -l) uncommitted path(s)"

# ---- what is needed -----------------------------------------------------------------------------
java_version() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
java=""
for c in "${JAVA:-}" "$(command -v java || true)" /tmp/jre/bin/java "${JAVA_HOME:-}/bin/java"; do
  [ -z "$java" ] && [ -n "$c" ] && [ -x "$c" ] && [ "$(java_version "$c" | cut -d. -f1)" -ge 25 ] 2>/dev/null && java=$c
done
[ -n "$java" ] || stop "no Java 25 runtime: set JAVA, put one first on PATH, or unpack one at /tmp/jre"
nvcc=$(command -v nvcc || true)
for c in "${CUDA_HOME:-}/bin/nvcc" /usr/local/cuda/bin/nvcc /usr/local/cuda-13.0/bin/nvcc; do [ -n "$nvcc" ] || [ ! -x "$c" ] || nvcc=$c; done
[ -n "$nvcc" ] || stop "no nvcc: put CUDA's bin on PATH or set CUDA_HOME"
cuda_root=$(cd "$(dirname "$(readlink -f "$nvcc")")/.." && pwd)
# NVIDIA's runtime for the native runs (the samples need libcudart.so.13)
native_lib=""
for d in "$cuda_root/lib64" "$cuda_root/targets/x86_64-linux/lib" /usr/local/cuda/lib64; do
  [ -z "$native_lib" ] && [ -e "$d/libcudart.so.13" ] && native_lib=$d
done
[ -n "$native_lib" ] || stop "no libcudart.so.13 under $cuda_root: the native runs need the CUDA 13 toolkit's runtime"
( ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null ) | grep -q 'libcuda\.so\.1 ' || [ -n "${LD_LIBRARY_PATH:-}" ] \
  || stop "no NVIDIA driver here (libcuda.so.1 is not in the loader cache)"
jar="$repo/launcher/target/standalone.jar"
[ -f "$jar" ] || stop "$jar is missing: build it (bin/build) and carry launcher/target"
if [ ! -x "$client/target/bin/orion-run" ] || [ ! -e "$client/target/lib/libcudart.so.13" ]; then
  say "client/target is not here: building the native client (make)"
  CUDA_HOME=$cuda_root ORION_WERROR= bash "$client/build.sh" all >> "$log" 2>&1 || stop "building the native client failed (see $log)"
fi
if [ ! -d "$repo/samples/target/programs" ] || [ ! -f "$repo/samples/target/kernels/vector_add.fatbin" ]; then
  say "samples/target is not here: building the samples (nvcc)"
  PATH="$(dirname "$nvcc"):$PATH" bash "$repo/samples/build-kernels.sh" "$repo/samples/target/kernels" >> "$log" 2>&1 \
    && PATH="$(dirname "$nvcc"):$PATH" bash "$repo/samples/build-programs.sh" "$repo/samples/target/programs" >> "$log" 2>&1 \
    || stop "building the samples failed (see $log)"
fi
programs="$repo/samples/target/programs"
orion_run="$client/target/bin/orion-run"
command -v nvidia-smi >/dev/null 2>&1 && say "$(nvidia-smi --query-gpu=index,name,uuid,driver_version,compute_cap,memory.total --format=csv,noheader 2>&1)"
gpus=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null | wc -l)
[ "${gpus:-0}" -ge 1 ] || gpus=1

# ---- the platform ---------------------------------------------------------------------------------
free_port() { # a port nothing listens on (bash's /dev/tcp connect fails)
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 40000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  echo 0
}
http_get() { # PATH -> body on stdout (curl when there is one, else bash's /dev/tcp)
  if command -v curl >/dev/null 2>&1; then curl -s --max-time 5 "http://127.0.0.1:$http_port/$1"; return; fi
  exec 5<>"/dev/tcp/127.0.0.1/$http_port" || return 1
  printf 'GET /%s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$1" >&5
  sed '1,/^\r$/d' <&5
  exec 5<&-
}
home="$work/platform"
shm_dir=$(mktemp -d /dev/shm/orion-gpu-XXXXXX)
http_port=$(free_port); tcp_port=$(free_port); console_port=$(free_port)
compute_mode=${COMPUTE_MODE:-off}
mkdir -p "$home/config/io/orion/transport" "$home/deploy"
# busy polling on both transports: the setting for latency-sensitive nodes (docs/remoting.md), which
# the latency targets of DESIGN.md §11 assume; it costs the server a core per poller
printf 'service.pid="io.orion.transport.tcp"\nport="%s"\nbindAddress="127.0.0.1"\nbusyPoll=B"true"\n' "$tcp_port" > "$home/config/io/orion/transport/tcp.config"
printf 'service.pid="io.orion.transport.shm"\ndirectory="%s"\nbusyPoll=B"true"\n' "$shm_dir" > "$home/config/io/orion/transport/shm.config"
# the compute gate (ORION_RATIO) off, as in the Java harness's server: the benchmark compares the
# two clients of one protocol; COMPUTE_MODE=elastic measures with the gate as deployed
printf 'service.pid="io.orion.server"\ncomputeMode="%s"\n' "$compute_mode" > "$home/config/io/orion/server.config"
# heartbeats every second, so orion-smi has usage to show soon after a program starts
printf 'service.pid="io.orion.controller"\nheartbeatSeconds=I"1"\nmissedHeartbeats=I"10"\n' > "$home/config/io/orion/controller.config"
"$java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:+UseSerialGC -Dgosh.args=--nointeractive \
  -Dorion.role=standalone -Dorion.home="$home" -Dorg.osgi.service.http.port="$http_port" -Dorion.console.port="$console_port" \
  -Dfelix.fileinstall.dir="$home/deploy" -Dfelix.cm.dir="$home/config" -Dorg.osgi.framework.storage="$home/cache" \
  -Dorion.log.file="$home/orion.log" -jar "$jar" > "$home/process.log" 2>&1 &
platform_pid=$!
cleanup() { kill "$platform_pid" 2>/dev/null; wait "$platform_pid" 2>/dev/null; rm -rf "$shm_dir"; }
trap cleanup EXIT
nodes=""
for _ in $(seq 1 600); do
  nodes=$(http_get api/v1/nodes 2>/dev/null || true)
  if [[ $nodes == *"tcp://127.0.0.1:$tcp_port"* && $nodes == *"shm://$shm_dir"* && $nodes == *GPU-* ]]; then break; fi
  kill -0 "$platform_pid" 2>/dev/null || stop "the platform exited: $(tail -20 "$home/process.log")"
  sleep 0.2
done
[[ $nodes == *"tcp://127.0.0.1:$tcp_port"* ]] || stop "the platform did not register its node with both transports: $(tail -20 "$home/process.log")"
# the backend in use: the core's start line ("GPU backend cuda from ..."), or a later switch
backend=$(grep -oE 'GPU backend [a-z]+ from|GPU backend for new sessions is now [a-z]+' "$home/process.log" | tail -1 \
  | sed -E 's/GPU backend ([a-z]+) from/\1/; s/.* is now //')
say "platform: REST 127.0.0.1:$http_port, tcp 127.0.0.1:$tcp_port, shm $shm_dir; GPU backend ${backend:-unknown}; compute gate $compute_mode"
[ "$backend" = cuda ] || say "WARNING: the platform's backend is not cuda; the comparison below is not the GPU's"

export ORION_CONTROLLER="127.0.0.1:$http_port" ORION_CLIENT_CONF=/dev/null ORION_LOG_LEVEL=WARN
gmem=${ORION_GMEM:-16384}

# ---- samples: native, shm, tcp; every run passes and all three print the same ---------------------
passed=0 failed=0 skipped=0
run_three() { # NAME ARGS...
  local name=$1; shift
  local tag="$name${1:+ $*}" d="$work/runs/$name${1:+-$1}"
  mkdir -p "$d"
  # natively the program sees as many GPUs as it gets vGPUs through Orion (ORION_VGPU, default 1)
  local visible; visible=$(seq -s, 0 $(( ${ORION_VGPU:-1} - 1 )))
  CUDA_VISIBLE_DEVICES=$visible LD_LIBRARY_PATH="$native_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$programs/$name" "$@" \
    > "$d/native.out" 2> "$d/native.err"
  local rn=$?
  if [ $rn -eq 77 ]; then say "SKIP $tag: natively $(cat "$d/native.err")"; skipped=$((skipped + 1)); return; fi
  local verdict="PASS" why=""
  [ $rn -eq 0 ] || { verdict="FAIL"; why="native exit $rn: $(tail -2 "$d/native.err")"; }
  for t in shm tcp; do
    ORION_GMEM=${RUN_GMEM:-$gmem} ORION_TRANSPORT=$t "$orion_run" "$programs/$name" "$@" > "$d/$t.out" 2> "$d/$t.err"
    local rc=$?
    if [ $rc -ne 0 ]; then verdict="FAIL"; why="$why $t exit $rc: $(tail -2 "$d/$t.err")";
    elif ! cmp -s "$d/native.out" "$d/$t.out"; then verdict="FAIL"; why="$why $t output differs: $(diff "$d/native.out" "$d/$t.out" | head -4 | tr '\n' ' ')"; fi
  done
  say "$verdict $tag${why:+ --$why}"
  if [ "$verdict" = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}
say ""
say "== samples (stdout of native, shm and tcp runs compared byte for byte; ORION_GMEM=$gmem)"
for p in device_query vector_add matmul streams_events memset_2d reduction histogram driver_vector_add; do run_three "$p"; done
run_three vector_add 50000000
run_three matmul 1024
run_three streams_events 4000000
run_three memset_2d 16384
run_three reduction 65536
run_three histogram 64000000
RUN_GMEM=4096 run_three quota_probe   # natively the whole GPU, through Orion a 4 GiB quota
if [ "$gpus" -ge 2 ]; then
  ORION_VGPU=2 run_three peer_copy
else
  say "SKIP peer_copy: one GPU here (it needs two devices natively and two GPUs in the pool)"
  skipped=$((skipped + 1))
fi

# orion-smi while a program runs, once a heartbeat (every second here) has reported its usage:
# before that its vGPU's line has no figures ("-/16384 ... -")
ORION_GMEM=$gmem "$orion_run" "$programs/vector_add" 200000000 > /dev/null 2>&1 &
long=$!
usage_seen=0
for _ in $(seq 1 150); do
  kill -0 "$long" 2>/dev/null || break
  [[ $(http_get api/v1/vgpus | tr -d ' \n') =~ \"process\":\"$long@[^\"]*\",\"memoryUsedMiB\":[1-9] ]] && { usage_seen=1; break; }
  sleep 0.1
done
say ""
if [ $usage_seen = 1 ]; then
  say "== orion-smi while vector_add (pid $long) runs"
else
  say "== orion-smi: no heartbeat reported the usage of vector_add (pid $long) within 15 s or while it ran"
fi
"$client/target/bin/orion-smi" 2>&1 | tee -a "$log"
# what an operator sees of this real server meanwhile: the REST API's GPUs, nodes and vGPUs, and
# the portal's page (its graphs draw from the same REST calls); kept under $work/rest-*.json
for what in gpus nodes vgpus; do http_get "api/v1/$what" > "$work/rest-$what.json" 2>/dev/null || true; done
say "== REST and portal while vector_add runs (the pool of this standalone platform)"
say "REST /api/v1/gpus: $(tr -d '\n' < "$work/rest-gpus.json" | grep -o '"uuid" *: *"GPU-[^"]*"[^}]*' | head -2 | tr -s ' ' | cut -c1-300)"
say "REST /api/v1/vgpus: $(grep -o '"process" *: *"[^"]*"' "$work/rest-vgpus.json" | head -3 | tr '\n' ' ')"
portal=$(http_get portal/ 2>/dev/null || true)
if [[ $portal == *"<html"* || $portal == *"<!DOCTYPE"* || $portal == *"<!doctype"* ]]; then
  say "portal /portal/: served ($(printf '%s' "$portal" | wc -c) bytes, title: $(printf '%s' "$portal" | grep -o '<title>[^<]*' | sed 's/<title>//' | head -1))"
else
  say "portal /portal/: NOT served"
fi
wait "$long"

# ---- benchmark -------------------------------------------------------------------------------------
# The Java harness's measurements (RemotingBench): launch + synchronize and 64-byte copies 20000
# times after 2000 unmeasured, queued launches 100000 per round (best of 3 after a warm-up round),
# copies from 4 KiB by 16 up to the largest size, best of 3 rounds; client and server busy-poll.
spin=${ORION_SPIN_US:--1}
max_bytes=${BENCH_MAX_BYTES:-268435456}
bench_args="--launches ${BENCH_LAUNCHES:-20000} --queued ${BENCH_QUEUED:-100000} --max-bytes $max_bytes --budget-ms ${BENCH_BUDGET_MS:-300}"
# the pinned buffer must fit in the shared region with the staging pieces, as the harness sizes it
region_mib=$(( (max_bytes >> 20) + 64 ))
say ""
say "== benchmark: native vs Orion over shm and tcp ($bench_args; ORION_SPIN_US=$spin, region $region_mib MiB)"
bench="$work/bench"
"$nvcc" -arch=sm_90 -cudart shared -O2 -o "$bench" "$here/bench.cu" >> "$log" 2>&1 || stop "nvcc could not build bench.cu"
LD_LIBRARY_PATH="$native_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$bench" $bench_args > "$work/bench.native" 2>> "$log" || say "bench failed natively"
for t in shm tcp; do
  orion_bench() {
    ORION_GMEM=$gmem ORION_TRANSPORT=$t ORION_SPIN_US=$spin ORION_SHM_REGION_MIB=$region_mib "$orion_run" "$bench" $bench_args "$@"
  }
  # a run that is not measured first: the server is a JVM, whose JIT compiles its paths for this
  # transport on the way (the Java harness's server was as warm when it measured)
  orion_bench --warmup > /dev/null 2>> "$log" || say "bench warm-up failed over $t"
  orion_bench > "$work/bench.$t" 2>> "$log" || say "bench failed over $t"
done
# value RUN KEY [FIELD]: a latency line's field (2: p50, 3: p99, 4: mean); copy_value RUN KEY SIZE: GB/s
value() { awk -v k="$2" -v f="${3:-2}" '$1 == k {print $f; exit}' "$work/bench.$1"; }
copy_value() { awk -v k="$2" -v n="$3" '$1 == k && $2 == n {print $3; exit}' "$work/bench.$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "-" }'; }
# verdict RATIO OP LIMIT -> PASS, MISS, or n/a (no figure)
verdict() { awk -v r="$1" -v op="$2" -v l="$3" 'BEGIN { if (r == "-" || r == "") print "n/a"; else if ((op == "<=" && r + 0 <= l + 0) || (op == ">=" && r + 0 >= l + 0)) print "PASS"; else print "MISS" }'; }
size_name() { awk -v b="$1" 'BEGIN { if (b >= 2^30) printf "%d GiB", b / 2^30; else if (b >= 2^20) printf "%d MiB", b / 2^20; else printf "%d KiB", b / 2^10 }'; }
{
  printf '%-22s %10s %10s %10s %8s %8s\n' "latency (µs)" native shm tcp shm/nat tcp/nat
  for m in launch_sync_us h2d_64B_us d2h_64B_us; do
    for f in 2:p50 3:p99 4:mean; do
      n=$(value native $m "${f%%:*}"); sh=$(value shm $m "${f%%:*}"); tc=$(value tcp $m "${f%%:*}")
      printf '%-22s %10s %10s %10s %8s %8s\n' "${m%_us} ${f#*:}" "${n:--}" "${sh:--}" "${tc:--}" "$(ratio "$sh" "$n")" "$(ratio "$tc" "$n")"
    done
  done
  n=$(value native queued_launch_us); sh=$(value shm queued_launch_us); tc=$(value tcp queued_launch_us)
  printf '%-22s %10s %10s %10s %8s %8s\n' "queued launch (each)" "${n:--}" "${sh:--}" "${tc:--}" "$(ratio "$sh" "$n")" "$(ratio "$tc" "$n")"
  echo
  printf '%-22s %10s %10s %10s %8s %8s\n' "copies (GB/s)" native shm tcp shm/nat tcp/nat
  for m in h2d_pinned_GBps d2h_pinned_GBps h2d_pageable_GBps d2h_pageable_GBps; do
    for size in $(cat "$work"/bench.native "$work"/bench.shm "$work"/bench.tcp 2>/dev/null | awk -v k=$m '$1 == k {print $2}' | sort -nu); do
      n=$(copy_value native $m "$size"); sh=$(copy_value shm $m "$size"); tc=$(copy_value tcp $m "$size")
      printf '%-22s %10s %10s %10s %8s %8s\n' "${m%_GBps} $(size_name "$size")" "${n:--}" "${sh:--}" "${tc:--}" \
        "$(ratio "$sh" "$n")" "$(ratio "$tc" "$n")"
    done
  done
  echo
  echo "targets (DESIGN.md §11), from the figures above:"
  ls_shm=$(ratio "$(value shm launch_sync_us)" "$(value native launch_sync_us)")
  ls_tcp=$(ratio "$(value tcp launch_sync_us)" "$(value native launch_sync_us)")
  # throughput ratio: native time per launch over Orion's
  q_shm=$(ratio "$(value native queued_launch_us)" "$(value shm queued_launch_us)")
  q_tcp=$(ratio "$(value native queued_launch_us)" "$(value tcp queued_launch_us)")
  big_h2d=$(ratio "$(copy_value shm h2d_pinned_GBps "$max_bytes")" "$(copy_value native h2d_pinned_GBps "$max_bytes")")
  printf '  %-44s x%-6s %-8s %s\n' "launch + sync over shm (p50)" "$ls_shm" "<= 1.5" "$(verdict "$ls_shm" "<=" 1.5)"
  printf '  %-44s x%-6s %-8s %s\n' "launch + sync over tcp (p50)" "$ls_tcp" "<= 4" "$(verdict "$ls_tcp" "<=" 4)"
  printf '  %-44s x%-6s %-8s %s\n' "queued launch throughput over shm" "$q_shm" ">= 0.8" "$(verdict "$q_shm" ">=" 0.8)"
  printf '  %-44s x%-6s %-8s %s\n' "queued launch throughput over tcp" "$q_tcp" ">= 0.8" "$(verdict "$q_tcp" ">=" 0.8)"
  printf '  %-44s x%-6s %-8s %s\n' "H2D over shm vs native pinned ($(size_name "$max_bytes"))" "$big_h2d" ">= 0.8" "$(verdict "$big_h2d" ">=" 0.8)"
} > "$work/bench.table"
tee -a "$log" < "$work/bench.table"
misses=$(grep -c ' MISS$' "$work/bench.table")
passes=$(grep -c ' PASS$' "$work/bench.table")

say ""
say "== summary: $passed passed, $failed failed, $skipped skipped (runs and outputs in $work/runs); targets: $passes PASS, $misses MISS"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ] && exit 0
exit 1
