package io.orion.transport.rdma.bench;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The transports UCX chose for the benchmark's endpoints, from its own log: at UCX_LOG_LEVEL=info
 * every endpoint configuration is one line, {@code ep_cfg[1]: tag(rc_mlx5/mlx5_0:1) rma(rc_mlx5/mlx5_0:1) ka(ud_mlx5/mlx5_0:1)}.
 * The run is RDMA when every lane that carries data (all but keepalive) is an RDMA transport: UCX's
 * rc, dc or ud, over verbs or mlx5.
 */
record Lanes(Set<String> lanes) {
    private static final Pattern LANE = Pattern.compile("(\\w+)\\(([^)]*)\\)");

    /** The lanes of the ep_cfg lines in these log lines. */
    static Lanes of(List<String> logLines) {
        Set<String> lanes = new LinkedHashSet<>();
        for (String line : logLines) {
            int at = line.indexOf("ep_cfg[");
            if (at < 0) continue;
            int colon = line.indexOf("]:", at);
            if (colon < 0) continue;
            Matcher m = LANE.matcher(line.substring(colon + 2));
            while (m.find()) lanes.add(m.group(1) + "(" + m.group(2).strip() + ")");
        }
        return new Lanes(lanes);
    }

    /** From every ucx*.log file in {@code dir} (run.sh sends UCX's log there). */
    static Lanes fromUcxLogs(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return new Lanes(Set.of());
        flushC();
        try (Stream<Path> files = Files.list(dir)) {
            List<String> lines = files.filter(f -> f.getFileName().toString().matches("ucx.*\\.log")).sorted()
                    .flatMap(f -> {
                        try {
                            return Files.readAllLines(f).stream();
                        } catch (IOException e) {
                            return Stream.of();
                        }
                    }).toList();
            return of(lines);
        }
    }

    /** UCX writes its log through C's stdio, buffered until exit: fflush(NULL) writes out what it holds. */
    private static void flushC() {
        try {
            Linker c = Linker.nativeLinker();
            MethodHandle fflush = c.downcallHandle(c.defaultLookup().find("fflush").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            int ignored = (int) fflush.invokeExact(MemorySegment.NULL);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot flush C's buffered output (UCX's log): " + e, e);
        }
    }

    /** Whether every data lane runs over rc, dc or ud (and there is one). */
    boolean rdma() {
        boolean any = false;
        for (String lane : lanes) {
            if (lane.startsWith("ka(")) continue; // keepalive carries no data
            String transports = lane.substring(lane.indexOf('(') + 1, lane.length() - 1);
            for (String tl : transports.split("[\\s,]+")) {
                if (tl.isEmpty()) continue;
                String name = tl.contains("/") ? tl.substring(0, tl.indexOf('/')) : tl;
                if (!name.matches("(rc|dc|ud)(_\\w+)?")) return false;
                any = true;
            }
        }
        return any;
    }

    String describe() {
        return lanes.isEmpty() ? "unknown (no ep_cfg line in UCX's log: run through run.sh, which sets UCX_LOG_LEVEL=info and UCX_LOG_FILE)"
                : String.join(" ", lanes);
    }
}
