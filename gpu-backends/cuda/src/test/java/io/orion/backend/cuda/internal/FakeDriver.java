package io.orion.backend.cuda.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fake driver and NVML of src/test/c, built into target/fake by the build and put on this test
 * JVM's library path by surefire; plus their test hooks ({@code fakecuda_*}), reached through FFM.
 */
public final class FakeDriver {
    private final MethodHandle count, initResult, failNext, liveContexts, usedMemory, clearFault, nvmlSamples;

    private FakeDriver() {
        Linker linker = Linker.nativeLinker();
        SymbolLookup cuda = SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
        SymbolLookup nvml = SymbolLookup.libraryLookup("libnvidia-ml.so.1", Arena.global());
        count = linker.downcallHandle(cuda.findOrThrow("fakecuda_count"), FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        initResult = linker.downcallHandle(cuda.findOrThrow("fakecuda_set_init_result"), FunctionDescriptor.ofVoid(JAVA_INT));
        failNext = linker.downcallHandle(cuda.findOrThrow("fakecuda_fail_next"), FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        liveContexts = linker.downcallHandle(cuda.findOrThrow("fakecuda_live_contexts"), FunctionDescriptor.of(JAVA_INT));
        usedMemory = linker.downcallHandle(cuda.findOrThrow("fakecuda_used_memory"), FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
        clearFault = linker.downcallHandle(cuda.findOrThrow("fakecuda_clear_fault"), FunctionDescriptor.ofVoid());
        nvmlSamples = linker.downcallHandle(nvml.findOrThrow("fakenvml_samples"), FunctionDescriptor.of(JAVA_INT));
    }

    /** The fakes, or the test is skipped (no gcc or no cuda.h where it was built: the reason is shown). */
    public static FakeDriver require() {
        Path dir = dir();
        assumeTrue(dir != null, "orion.fake.dir is not set: run the tests through Maven");
        Path unavailable = dir.resolve("UNAVAILABLE");
        assumeTrue(!Files.exists(unavailable), () -> "fake driver not built: " + read(unavailable));
        return new FakeDriver();
    }

    public static Path dir() {
        String d = System.getProperty("orion.fake.dir");
        return d == null ? null : Path.of(d);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A counter of the fake: cuCtxSetCurrent, cuLaunchKernel, async_from_pageable, ... */
    public long count(String name) {
        try (Arena a = Arena.ofConfined()) {
            long v = (long) count.invokeExact(a.allocateFrom(name));
            if (v < 0) throw new IllegalArgumentException("the fake has no counter " + name);
            return v;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** What cuInit returns from now on. */
    public void initResult(int rc) {
        try {
            initResult.invokeExact(rc);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The next call of the exported function {@code fn} returns {@code rc} and does nothing. */
    public void failNext(String fn, int rc) {
        try (Arena a = Arena.ofConfined()) {
            failNext.invokeExact(a.allocateFrom(fn), rc);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public int liveContexts() {
        try {
            return (int) liveContexts.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public long usedMemory(int device) {
        try {
            return (long) usedMemory.invokeExact(device);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Ends a process-fatal kernel fault (an illegal address), which the fake, like the H200, makes
     * every context fail with: a test that faults calls this when done, so that later tests in the
     * JVM have a working driver again. A real process never gets its CUDA back.
     */
    public void clearFault() {
        try {
            clearFault.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public int nvmlSamples() {
        try {
            return (int) nvmlSamples.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    /** A native NUL-terminated PTX-like image naming the given kernels and the suite's globals. */
    public static MemorySegment ptx(Arena arena, String... kernels) {
        return arena.allocateFrom(ptxText(kernels));
    }

    public static String ptxText(String... kernels) {
        StringBuilder b = new StringBuilder("//\n// test module\n.version 9.0\n.target sm_90\n.address_size 64\n")
                .append(".visible .global .align 4 .u32 orion_counter;\n")
                .append(".visible .global .align 4 .b8 orion_table[256];\n");
        for (String k : kernels) b.append(".visible .entry ").append(k).append("()\n{\n\tret;\n}\n");
        return b.toString();
    }
}
