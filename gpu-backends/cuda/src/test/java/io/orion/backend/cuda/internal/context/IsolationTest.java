package io.orion.backend.cuda.internal.context;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.orion.backend.cuda.internal.CudaBackend;
import io.orion.backend.cuda.internal.FakeDriver;
import io.orion.backend.cuda.internal.TestBackends;

/** One context per session: another's pointers are refused, and a fault stays in its context. */
class IsolationTest {
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
    }

    @Test
    void eachSessionHasItsOwnDriverContext() {
        int live = fake.liveContexts();
        backend.openContext(uuid);
        backend.openContext(uuid);
        assertEquals(live + 2, fake.liveContexts());
    }

    @Test
    void anotherSessionsPointerIsRefused() {
        GpuContext a = backend.openContext(uuid), b = backend.openContext(uuid);
        long pa = a.memAlloc(64);
        GpuException e = assertThrows(GpuException.class, () -> b.memsetD8(pa, 0, 64, null));
        assertEquals(CudaError.INVALID_VALUE.code(), e.code());
        assertEquals(CudaError.INVALID_VALUE.code(), assertThrows(GpuException.class, () -> b.memFree(pa)).code());
        a.memFree(pa);
    }

    @Test
    void aFaultPoisonsOnlyTheFaultingContext() {
        GpuContext good = backend.openContext(uuid), bad = backend.openContext(uuid);
        long p = good.memAlloc(64);
        try (Arena arena = Arena.ofConfined()) {
            var write = bad.function(bad.loadModule(FakeDriver.ptx(arena, "orion_write")), "orion_write");
            MemorySegment args = arena.allocate(12);
            args.set(JAVA_LONG, 0, 0x10);  // nobody's memory
            args.set(JAVA_INT, 8, 42);
            bad.launch(write, Dim3.of(1), Dim3.of(1), 0, null, args);
        }
        GpuException fault = assertThrows(GpuException.class, bad::synchronize);
        assertEquals(CudaError.ILLEGAL_ADDRESS.code(), fault.code());
        assertTrue(fault.getMessage().startsWith("CUDA_ERROR_ILLEGAL_ADDRESS: cuCtxSynchronize in context #"), fault.getMessage());
        assertEquals(CudaError.ILLEGAL_ADDRESS.code(), assertThrows(GpuException.class, () -> bad.memAlloc(4)).code(), "sticky");
        good.memsetD8(p, 3, 64, null);
        good.synchronize();
        bad.close();
        good.memsetD8(p, 4, 64, null);
    }
}
