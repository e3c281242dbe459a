package io.orion.backend.cuda.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

/**
 * Pins the calling thread to one CPU with Linux's {@code sched_setaffinity}, as bench.c pins
 * itself: C and Java are then timed on the same core, so neither wins or loses by where the
 * scheduler happened to put it, or by migrating in the middle of a row.
 */
final class CpuPin {
    private CpuPin() {}

    /** glibc's cpu_set_t: 1024 bits. */
    private static final long CPU_SET_BYTES = 128;

    static void pin(int cpu) {
        if (cpu < 0 || cpu >= CPU_SET_BYTES * 8) throw new IllegalArgumentException("no CPU " + cpu);
        Linker linker = Linker.nativeLinker();
        StructLayout state = Linker.Option.captureStateLayout();
        MethodHandle setAffinity = linker.downcallHandle(linker.defaultLookup().findOrThrow("sched_setaffinity"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.captureCallState("errno"));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(state);
            MemorySegment mask = arena.allocate(CPU_SET_BYTES, 8);
            mask.setAtIndex(JAVA_LONG, cpu / 64, 1L << (cpu % 64));
            int rc = (int) setAffinity.invokeExact(errno, 0, CPU_SET_BYTES, mask); // pid 0: the calling thread
            if (rc != 0) throw new IllegalStateException("sched_setaffinity(CPU " + cpu + ") failed, errno "
                    + errno.get(JAVA_INT, state.byteOffset(MemoryLayout.PathElement.groupElement("errno"))));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
