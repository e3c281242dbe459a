package io.orion.backend.cuda.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * bench.c's own operation loops (gpu/bench_loops.c, built by run.sh as libbenchloops.so), called
 * from the JVM: the C baseline running in the backend's process, on its thread, context and
 * memory. One downcall runs a whole loop, so FFM adds nothing per operation.
 */
final class CLoops {
    private final MethodHandle launchQueued, launchSync, copy;

    CLoops(Path library) {
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = SymbolLookup.libraryLookup(library, Arena.global());
        launchQueued = linker.downcallHandle(lib.findOrThrow("orion_bench_launch_queued"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        launchSync = linker.downcallHandle(lib.findOrThrow("orion_bench_launch_sync"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        copy = linker.downcallHandle(lib.findOrThrow("orion_bench_copy"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT));
    }

    void launchQueued(MemorySegment function, int n) {
        try {
            check((int) launchQueued.invokeExact(function, n), "launch_queued");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void launchSync(MemorySegment function, int n) {
        try {
            check((int) launchSync.invokeExact(function, n), "launch_sync");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void copy(boolean toDevice, long device, MemorySegment host, long bytes, int n) {
        try {
            check((int) copy.invokeExact(toDevice ? 1 : 0, device, host, bytes, n), "copy");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void check(int rc, String loop) {
        if (rc != 0) throw new IllegalStateException("bench_loops.c " + loop + " failed with CUresult " + rc);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
