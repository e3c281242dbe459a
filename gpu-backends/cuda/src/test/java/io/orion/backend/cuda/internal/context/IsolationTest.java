package io.orion.backend.cuda.internal.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuException;
import io.orion.backend.cuda.internal.CudaBackend;
import io.orion.backend.cuda.internal.FakeDriver;
import io.orion.backend.cuda.internal.TestBackends;

/** One context per session: another's pointers are refused. (Faults: FaultTest.) */
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
}
