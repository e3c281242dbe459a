package io.orion.backend.cuda.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuException;
import io.orion.backend.cuda.internal.driver.ProcessFault;

/**
 * A kernel fault that CUDA makes fatal to the process (an illegal address; the fake, like the H200
 * with driver 580, then fails every context) puts the backend in its faulted state: it says so,
 * fails every context's next call at once, and refuses new contexts. An assert stays in its context.
 */
class FaultTest {
    private static final String RESTART = "restart the server process";

    private FakeDriver fake;
    private CudaBackend backend;
    private String uuid;

    @BeforeEach
    void open() {
        fake = FakeDriver.require();
        backend = TestBackends.fake();
        uuid = TestBackends.first(backend).uuid();
    }

    @AfterEach
    void close() {
        if (backend != null) backend.close();
        if (fake != null) fake.clearFault(); // the process-fatal fault would fail every later test of this JVM
    }

    /** Launches a kernel in {@code ctx} that stores to 0x10, nobody's memory; the fake faults at once. */
    private static void storeToNowhere(GpuContext ctx) {
        try (Arena arena = Arena.ofConfined()) {
            var write = ctx.function(ctx.loadModule(FakeDriver.ptx(arena, "orion_write")), "orion_write");
            MemorySegment args = arena.allocate(12);
            args.set(JAVA_LONG, 0, 0x10);
            args.set(JAVA_INT, 8, 42);
            ctx.launch(write, Dim3.of(1), Dim3.of(1), 0, null, args);
        }
    }

    @Test
    void anIllegalAddressFaultsTheBackend() {
        GpuContext other = backend.openContext(uuid), bad = backend.openContext(uuid);
        long p = other.memAlloc(64);
        assertFalse(backend.faulted());
        assertTrue(backend.status().startsWith("ready: 2 GPU(s)"), backend.status());
        storeToNowhere(bad);

        GpuException fault = assertThrows(GpuException.class, bad::synchronize);
        assertEquals(CudaError.ILLEGAL_ADDRESS.code(), fault.code());
        assertTrue(fault.getMessage().startsWith("CUDA_ERROR_ILLEGAL_ADDRESS: cuCtxSynchronize in " + bad
                + ": an illegal memory access was encountered; CUDA makes this error sticky for the whole process"), fault.getMessage());
        assertTrue(fault.getMessage().endsWith(RESTART), fault.getMessage());

        assertTrue(backend.faulted());
        ProcessFault f = backend.fault().orElseThrow();
        assertEquals("cuCtxSynchronize in " + bad, f.firstReport());
        assertEquals(CudaError.ILLEGAL_ADDRESS.code(), f.error().code());
        String status = backend.status();
        assertTrue(status.startsWith("faulted: CUDA_ERROR_ILLEGAL_ADDRESS (an illegal memory access was encountered) since "
                + f.at() + ", first reported by cuCtxSynchronize in " + bad + "; "), status);
        assertTrue(status.contains(RESTART + ". Devices: 2 GPU(s), driver API 13.0: GPU-"), status);
        assertEquals(2, backend.devices().size(), "the GPUs are still listed");

        // every context, the faulting one too, fails at once, without the driver
        long launches = fake.count("cuLaunchKernel");
        for (GpuContext ctx : new GpuContext[] {other, bad}) {
            GpuException e = assertThrows(GpuException.class, () -> ctx.memsetD8(p, 0, 64, null));
            assertEquals(CudaError.ILLEGAL_ADDRESS.code(), e.code());
            assertEquals("CUDA_ERROR_ILLEGAL_ADDRESS: " + ctx + " cannot be used: the cuda backend is faulted: " + f.describe(),
                    e.getMessage());
            assertThrows(GpuException.class, () -> storeToNowhere(ctx));
        }
        assertEquals(launches, fake.count("cuLaunchKernel"), "no launch reached the driver");

        int live = fake.liveContexts();
        GpuException refused = assertThrows(GpuException.class, () -> backend.openContext(uuid));
        assertEquals(CudaError.ILLEGAL_ADDRESS.code(), refused.code());
        assertEquals("CUDA_ERROR_ILLEGAL_ADDRESS: cannot open a context on " + uuid + ": the cuda backend is faulted: "
                + f.describe(), refused.getMessage());
        assertEquals(live, fake.liveContexts(), "no context was made");

        bad.close();
        other.close();
        assertEquals(0, backend.openContexts(), "closing works when faulted");
    }

    /** The driver may report the fault first in a context that did nothing wrong; the backend is faulted all the same. */
    @Test
    void aFaultFirstSeenInAnotherContextFaultsTheBackendToo() {
        GpuContext other = backend.openContext(uuid), bad = backend.openContext(uuid);
        storeToNowhere(bad);
        GpuException first = assertThrows(GpuException.class, other::synchronize);
        assertEquals(CudaError.ILLEGAL_ADDRESS.code(), first.code());
        assertEquals("cuCtxSynchronize in " + other, backend.fault().orElseThrow().firstReport());
        GpuException later = assertThrows(GpuException.class, bad::synchronize);
        assertTrue(later.getMessage().contains(" cannot be used: the cuda backend is faulted: "), later.getMessage());
    }

    /** cuda.h says an assert ends its own context only; the H200 ended the whole process (2026-11-28). */
    @Test
    void anAssertFaultsTheBackendAsMeasured() {
        GpuContext other = backend.openContext(uuid), bad = backend.openContext(uuid);
        try (Arena arena = Arena.ofConfined()) {
            var fail = bad.function(bad.loadModule(FakeDriver.ptx(arena, "orion_assert")), "orion_assert");
            bad.launch(fail, Dim3.of(1), Dim3.of(1), 0, null, MemorySegment.ofArray(new int[] {1}));
        }
        GpuException e = assertThrows(GpuException.class, bad::synchronize);
        assertEquals(CudaError.ASSERT.code(), e.code());
        assertTrue(backend.faulted(), backend.status());
        assertEquals(CudaError.ASSERT.code(), assertThrows(GpuException.class, () -> other.memAlloc(4)).code(), "the other context too");
        assertEquals(CudaError.ASSERT.code(), assertThrows(GpuException.class, () -> backend.openContext(uuid)).code(), "no new ones");
        bad.close();
        other.close();
    }
}
