# Sourced by bin/build and bin/orion: finds a JDK 25 or newer and exports JAVA_HOME.
# Order: $JAVA_HOME, then the usual install folders. Stops with a clear message when none is found.
orion_find_jdk() {
  local want=25 cand v
  for cand in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25* /usr/lib/jvm/* /opt/java/* /opt/jdk* \
              /usr/local/java/* "$HOME"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -n "$cand" ] && [ -x "$cand/bin/java" ] || continue
    v=$("$cand/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    v=${v%%.*}
    if [ -n "$v" ] && [ "$v" -ge "$want" ] 2>/dev/null; then
      export JAVA_HOME="$cand"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "orion: no JDK $want or newer found. Looked at \$JAVA_HOME (${JAVA_HOME:-unset}) and /usr/lib/jvm, /opt, ~/.sdkman." >&2
  echo "orion: install a JDK 25 (e.g. Temurin 25) and set JAVA_HOME to it." >&2
  return 1
}
