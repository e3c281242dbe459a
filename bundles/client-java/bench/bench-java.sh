# Sourced by run.sh and compute-share.sh: finds the JRE and what the build left under
# bundles/client-java/target, and writes the run's environment file. Sets java, module and cp.
#   bench_java NAME              (NAME: the calling script, for its messages)
#   bench_env FILE NVIDIA_FIELDS (the date, machine, GPU fields from nvidia-smi, Java version)
bench_java() {
  module=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  java=${JAVA:-/tmp/jre/bin/java}
  [ -x "$java" ] || java=$(command -v java || true)
  [ -n "$java" ] && [ -x "$java" ] || { echo "$1: no java (set JAVA, or unpack a JRE 25 at /tmp/jre)" >&2; exit 1; }
  local jar
  jar=$(ls "$module"/target/io.orion.client-*.jar 2>/dev/null | grep -v -- '-tests.jar' | head -1 || true)
  [ -n "$jar" ] && [ -d "$module/target/test-classes" ] && [ -d "$module/target/bench-lib" ] \
    || { echo "$1: build first (bin/build): $module/target has no jar, test-classes or bench-lib" >&2; exit 1; }
  cp="$module/target/test-classes:$jar:$module/target/bench-lib/*"
}

bench_env() {
  {
    echo "# $(date -u +%FT%TZ) $(uname -n) $(uname -r)"
    command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu="$2" --format=csv,noheader || true
    "$java" -version 2>&1 | head -1
  } > "$1"
}
