package io.orion.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuException;

/** Driver results become typed errors with CUDA's own name and message, and what was being done. */
class ErrorMappingTest {
    private FakeDriver fake;
    private CudaBackend backend;
    private GpuContext ctx;

    @BeforeEach
    void open() {
        fake = FakeDriver.require();
        backend = TestBackends.fake();
        ctx = backend.openContext(TestBackends.first(backend).uuid());
    }

    @AfterEach
    void close() {
        if (backend != null) backend.close();
    }

    @Test
    void nameAndMessageComeFromTheDriver() {
        fake.failNext("cuMemAlloc_v2", 999);
        GpuException e = assertThrows(GpuException.class, () -> ctx.memAlloc(64));
        assertEquals(999, e.code());
        assertEquals("CUDA_ERROR_UNKNOWN", e.error().name());
        assertEquals("unknown error", e.error().message());
        assertEquals("CUDA_ERROR_UNKNOWN: cuMemAlloc(64 bytes) in " + ctx + ": unknown error", e.getMessage());
    }

    @Test
    void aCodeTheDriverCannotNameKeepsItsNumber() {
        fake.failNext("cuStreamCreateWithPriority", 12345);
        GpuException e = assertThrows(GpuException.class, () -> ctx.createStream(true, 0));
        assertEquals(12345, e.code());
        assertEquals("CUDA_ERROR_12345", e.error().name());
        assertEquals("CUDA_ERROR_12345: cuStreamCreateWithPriority(flags 1, priority 0) in " + ctx + ": CUDA error 12345",
                e.getMessage());
    }

    @Test
    void aFailedContextSwitchIsReportedAndRetriedNextTime() {
        GpuContext other = backend.openContext(TestBackends.first(backend).uuid());
        long p = ctx.memAlloc(8);
        other.memAlloc(8); // other is current now
        fake.failNext("cuCtxSetCurrent", 201);
        GpuException e = assertThrows(GpuException.class, () -> ctx.memsetD8(p, 0, 8, null));
        assertEquals("CUDA_ERROR_INVALID_CONTEXT: cuCtxSetCurrent: invalid device context", e.getMessage());
        ctx.memsetD8(p, 0, 8, null);
    }
}
