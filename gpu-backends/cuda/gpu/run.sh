#!/usr/bin/env bash
# The cuda backend's proof on a real GPU, in one command, on the GPU machine:
#
#   OUT=/some/dir gpu-backends/cuda/gpu/run.sh
#
# Needs the working tree with the jars built elsewhere (bin/build: gpu-backends/cuda/target/*.jar and
# target/lib/, bundles/api/target/*.jar), a Java 25 runtime (JAVA, else java on PATH, else
# /tmp/jre/bin/java), nvcc and gcc, and the NVIDIA driver. No Maven, no network.
#
# It compiles gpu/kernels.cu (PTX, cubin, fat binary), gpu/bench.c and its loops as a library for the
# JVM (bench_loops.c) under $OUT/cuda-build; runs the GPU test suite (GpuSuite; its assert part in a
# second JVM, as each part ends with a fault); the benchmark from C in its own process (bench.c), then
# in one JVM as C loops, bare FFM and the backend, taking turns (GpuBench); and the backend's own cost
# per call (CallOverhead). Both benchmarks are pinned to the same CPU. Everything goes to
# $OUT/cuda-backend.txt; a short summary and the table come last.
#
# Exit status: 0 suite passed and every benchmark row within 5 % of C; 1 a check failed or a row is
# over; 2 nothing could be run (no driver, tools or jars; the message says which).
# Knobs: CUDA_ARCH (e.g. 90; default: the GPU's, from nvidia-smi), BENCH_MAX_BYTES (1073741824),
# BENCH_LAUNCHES (20000), BENCH_REPS (7), BENCH_ROUNDS (3: bench.c and the JVM taking turns), BENCH_CPU (default: the last CPU near the GPU that this
# process may use; "none": not pinned).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/.." && pwd)
repo=$(cd "$module/../.." && pwd)
: "${OUT:?set OUT to the folder for the results}"
mkdir -p "$OUT"
build="$OUT/cuda-build"
log="$OUT/cuda-backend.txt"
rm -rf "$build"
mkdir -p "$build"
: > "$log"

say() { echo "$*" | tee -a "$log"; }
stop() { say "run.sh: $*"; exit 2; }

say "== cuda backend GPU proof, $(date -u "+%Y-%m-%d %H:%M:%S UTC") on ${HOSTNAME:-$(uname -n)}"
[ -d "$repo/.git" ] && command -v git >/dev/null 2>&1 && say "tree: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null) $(git -C "$repo" status --porcelain 2>/dev/null | wc -l) uncommitted path(s)"

# ---- what is needed -----------------------------------------------------------------------------
java_version() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
java=""
for c in "${JAVA:-}" "$(command -v java || true)" /tmp/jre/bin/java "${JAVA_HOME:-}/bin/java"; do
  [ -z "$java" ] && [ -n "$c" ] && [ -x "$c" ] && [ "$(java_version "$c" | cut -d. -f1)" -ge 25 ] 2>/dev/null && java=$c
done
[ -n "$java" ] || stop "no Java 25 runtime: set JAVA, put one first on PATH, or unpack one at /tmp/jre"

nvcc=$(command -v nvcc || true)
for c in "${CUDA_HOME:-}/bin/nvcc" /usr/local/cuda/bin/nvcc; do [ -n "$nvcc" ] || [ ! -x "$c" ] || nvcc=$c; done
[ -n "$nvcc" ] || stop "no nvcc: put CUDA's bin on PATH or set CUDA_HOME"
include=""
for d in "${CUDA_HOME:-}/include" "$(dirname "$(readlink -f "$nvcc")")/../include" /usr/local/cuda/include /usr/local/cuda-*/include; do
  if [ -z "$include" ] && [ -f "$d/cuda.h" ]; then include=$(cd "$d" && pwd); fi
done
[ -n "$include" ] || stop "no cuda.h next to $nvcc: set CUDA_HOME"
command -v gcc >/dev/null 2>&1 || stop "no gcc"

# the driver library: LD_LIBRARY_PATH first (as the dynamic loader does), then the loader's cache
libcuda=""
IFS=: read -ra dirs <<< "${LD_LIBRARY_PATH:-}"
for d in "${dirs[@]}"; do [ -z "$libcuda" ] && [ -n "$d" ] && [ -e "$d/libcuda.so.1" ] && libcuda="$d/libcuda.so.1"; done
[ -n "$libcuda" ] || libcuda=$( (ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null) | awk '/libcuda\.so\.1 .*x86-64/ {print $NF; exit}')
[ -n "$libcuda" ] || stop "no NVIDIA driver here (libcuda.so.1 is neither on LD_LIBRARY_PATH nor in the loader cache): nothing to prove"

jar=$(ls "$module"/target/io.orion.backend.cuda-*.jar 2>/dev/null | grep -v -- '-gpu.jar$' | grep -v -- '-tests.jar$' | head -1)
gpujar=$(ls "$module"/target/io.orion.backend.cuda-*-gpu.jar 2>/dev/null | head -1)
apijar=$(ls "$repo"/bundles/api/target/io.orion.api-*.jar 2>/dev/null | grep -v -- '-tests.jar$' | head -1)
[ -n "$jar" ] && [ -n "$gpujar" ] && [ -n "$apijar" ] && [ -f "$module/target/lib/slf4j-api.jar" ] \
  || stop "the jars are not built: run 'bin/build -- -pl gpu-backends/cuda -am install' and carry gpu-backends/cuda/target and bundles/api/target"
cp="$jar:$gpujar:$apijar:$module/target/lib/slf4j-api.jar:$module/target/lib/slf4j-simple.jar"
jvm=("$java" --enable-native-access=ALL-UNNAMED -Dorg.slf4j.simpleLogger.showDateTime=true -cp "$cp")

if command -v nvidia-smi >/dev/null 2>&1; then
  say "$(nvidia-smi --query-gpu=index,name,uuid,driver_version,compute_cap,memory.total --format=csv,noheader 2>&1)"
  arch=${CUDA_ARCH:-$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d ' .')}
else
  say "no nvidia-smi: if $libcuda is not a real driver (the tests' fake, say), the figures below mean nothing"
fi
arch=${arch:-${CUDA_ARCH:-90}}
say "driver library: $libcuda"
say "java: $("$java" -version 2>&1 | head -1); nvcc: $("$nvcc" --version | tail -1); sm_$arch"

# the CPU both benchmarks pin their measuring thread to, so neither gains or loses by where it ran
expand() { local part; for part in ${1//,/ }; do if [[ $part == *-* ]]; then seq "${part%-*}" "${part#*-}"; else echo "$part"; fi; done; }
cpu=${BENCH_CPU:-}
if [ -z "$cpu" ]; then
  allowed=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status)
  bus=$(nvidia-smi --query-gpu=pci.bus_id --format=csv,noheader 2>/dev/null | head -1 | tr 'A-F' 'a-f')
  near=$( [ -n "$bus" ] && cat "/sys/bus/pci/devices/${bus#0000}/local_cpulist" 2>/dev/null || true)
  cpu=$(comm -12 <(expand "$allowed" | sort) <(expand "${near:-$allowed}" | sort) | sort -n | tail -1)
  say "benchmark CPU: $cpu (the last of those near the GPU, ${near:-unknown}, that this process may use, $allowed)"
else
  say "benchmark CPU: $cpu (BENCH_CPU)"
fi
pin=(); cpin=()
if [ -n "$cpu" ] && [ "$cpu" != none ]; then pin=(--cpu "$cpu"); cpin=("$cpu"); fi
phase() { say "   ($1: $((SECONDS - t0)) s)"; t0=$SECONDS; }

# ---- build the C pieces -------------------------------------------------------------------------
say "== build"
t0=$SECONDS
(
  set -e
  cd "$build"
  "$nvcc" -arch="sm_$arch" -ptx -o kernels.ptx "$here/kernels.cu" &
  "$nvcc" -arch="sm_$arch" -cubin -o kernels.cubin "$here/kernels.cu" &
  "$nvcc" -fatbin -gencode "arch=compute_$arch,code=[sm_$arch,compute_$arch]" -o kernels.fatbin "$here/kernels.cu" &
  gcc -O2 -std=c11 -Wall -I"$include" -o bench "$here/bench.c" "$here/bench_loops.c" "$libcuda" -lm
  gcc -O2 -std=c11 -Wall -shared -fPIC -I"$include" -o libbenchloops.so "$here/bench_loops.c" "$libcuda"
  for job in $(jobs -p); do wait "$job"; done
) >> "$log" 2>&1 || stop "building the kernels, bench.c or bench_loops.c failed (see $log)"
say "kernels.ptx, kernels.cubin, kernels.fatbin, bench and libbenchloops.so built in $build"
phase build

# ---- the suite: the main part, then the assert part in a process of its own ---------------------
say "== GPU test suite"
timeout 600 "${jvm[@]}" io.orion.backend.cuda.gpu.GpuSuite --kernels "$build" 2>&1 | tee -a "$log"
suite=${PIPESTATUS[0]}
[ "$suite" -eq 2 ] && stop "the backend found no usable GPU (see above)"
timeout 300 "${jvm[@]}" io.orion.backend.cuda.gpu.GpuSuite --kernels "$build" --part assert 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || suite=1
phase suite

# ---- the benchmark: C in its own process, then C loops, bare FFM and the backend in one JVM -------
max=${BENCH_MAX_BYTES:-1073741824}
launches=${BENCH_LAUNCHES:-20000}
reps=${BENCH_REPS:-7}
rounds=${BENCH_ROUNDS:-3}
say "== benchmark (copies up to $max bytes, $launches launches x $reps repetitions, $rounds rounds)"
# Two processes differ by up to 10-18 % on one copy size (where their memory landed), so bench.c's
# process and the JVM take turns for several rounds and BenchTable takes the median of each.
: > "$build/c.txt"; : > "$build/java.txt"
cbench=0; jbench=0
for round in $(seq 1 "$rounds"); do
  say "-- round $round of $rounds"
  timeout 600 "$build/bench" "$build/kernels.cubin" "$max" "$launches" "$reps" "${cpin[@]}" 2>&1 | tee -a "$build/c.txt" | tee -a "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || cbench=1
  timeout 600 "${jvm[@]}" io.orion.backend.cuda.gpu.GpuBench --kernels "$build" --max-bytes "$max" --launches "$launches" \
    --reps "$reps" "${pin[@]}" --c-loops "$build/libbenchloops.so" 2>&1 | tee -a "$build/java.txt" | tee -a "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || jbench=1
done
phase benchmark
say "== the backend's own cost per call (ns; against the bare FFM call, same JVM, rounds taking turns)"
timeout 300 "${jvm[@]}" io.orion.backend.cuda.gpu.CallOverhead --kernels "$build" --rounds 41 --calls 1000 "${pin[@]}" 2>&1 \
  | tee "$build/overhead.txt" | tee -a "$log"
phase "cost per call"
table=3
if [ "$cbench" -eq 0 ] && [ "$jbench" -eq 0 ]; then
  "${jvm[@]}" io.orion.backend.cuda.gpu.BenchTable "$build/c.txt" "$build/java.txt" > "$build/table.txt" 2>&1
  table=$?
else
  echo "benchmark failed: bench.c exit $cbench, GpuBench exit $jbench" > "$build/table.txt"
fi

# ---- summary, last ------------------------------------------------------------------------------
{
  echo
  echo "== summary: cuda backend on $(grep -m1 '^GPU suite on ' "$log" | sed 's/^GPU suite on //; s/, random seed.*//')"
  grep -m1 '^GPU suite: ' "$log" || echo "GPU suite: no result"
  grep -m1 '^GPU suite (assert part): ' "$log" || echo "GPU suite (assert part): no result"
  grep -m1 '^NOTE  status: faulted' "$log" | sed 's/^NOTE  status: /backend status after the fault check: /'
  cat "$build/table.txt"
  grep "^backend's own cost" "$build/overhead.txt" 2>/dev/null
  echo "reference (2026-11-28, same H200, bare FFM): 3.4 us queued launch, 8.4 us launch+sync, 54.7 GB/s pinned H2D; C 4.0 and 9.2 us"
  echo "full log: $log"
} | tee -a "$log"
[ "$suite" -eq 0 ] && [ "$table" -eq 0 ] && exit 0
exit 1
