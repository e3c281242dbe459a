package io.orion.backend.cuda.internal.context;

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
import io.orion.api.backend.GpuEvent;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.GpuModule;
import io.orion.api.backend.GpuStream;
import io.orion.backend.cuda.internal.CudaBackend;
import io.orion.backend.cuda.internal.FakeDriver;
import io.orion.backend.cuda.internal.TestBackends;

/** Streams, events, timing and the handle checks, with a kernel that keeps a stream busy. */
class StreamEventTest {
    private CudaBackend backend;
    private GpuContext ctx;
    private GpuFunction spin;
    private Arena arena;

    @BeforeEach
    void open() {
        FakeDriver.require();
        backend = TestBackends.fake();
        ctx = backend.openContext(TestBackends.first(backend).uuid());
        arena = Arena.ofConfined();
        GpuModule m = ctx.loadModule(FakeDriver.ptx(arena, "orion_spin", "orion_empty"));
        spin = ctx.function(m, "orion_spin");
    }

    @AfterEach
    void close() {
        if (arena != null) arena.close();
        if (backend != null) backend.close();
    }

    private void spin(GpuStream s, long millis) {
        MemorySegment args = arena.allocate(8);
        args.set(JAVA_LONG, 0, millis * 1_000_000);
        ctx.launch(spin, Dim3.of(1), Dim3.of(1), 0, s, args);
    }

    @Test
    void queriesSeeQueuedWorkAndSynchronizeWaitsForIt() {
        GpuStream s = ctx.createStream(true, -1);
        assertTrue(ctx.isIdle(s));
        spin(s, 200);
        assertFalse(ctx.isIdle(s));
        GpuEvent done = ctx.createEvent(false, false);
        ctx.record(done, s);
        assertFalse(ctx.isComplete(done));
        ctx.synchronize(s);
        assertTrue(ctx.isIdle(s));
        assertTrue(ctx.isComplete(done));
    }

    @Test
    void eventsTimeTheWorkBetweenThem() {
        GpuStream s = ctx.createStream(false, 0);
        GpuEvent start = ctx.createEvent(true, false), end = ctx.createEvent(true, true);
        ctx.record(start, s);
        spin(s, 50);
        ctx.record(end, s);
        ctx.synchronize(end);
        float ms = ctx.elapsedMillis(start, end);
        assertTrue(ms >= 49 && ms < 1000, "elapsed " + ms + " ms");
    }

    @Test
    void anEventWithoutTimingCannotBeTimed() {
        GpuEvent a = ctx.createEvent(false, false), b = ctx.createEvent(true, false);
        ctx.record(a, null);
        ctx.record(b, null);
        GpuException e = assertThrows(GpuException.class, () -> ctx.elapsedMillis(a, b));
        assertEquals(CudaError.INVALID_HANDLE.code(), e.code());
        assertTrue(e.getMessage().contains("was created without timing"), e.getMessage());
    }

    @Test
    void aStreamWaitsForAnEventOfAnother() {
        GpuStream first = ctx.createStream(true, 0), second = ctx.createStream(true, 0);
        spin(first, 100);
        GpuEvent e = ctx.createEvent(false, false);
        ctx.record(e, first);
        ctx.waitEvent(second, e);
        assertFalse(ctx.isIdle(second), "the second stream now waits for the first's spin");
        ctx.synchronize(second);
        assertTrue(ctx.isIdle(first));
    }

    @Test
    void theDefaultStreamAndTheWholeContext() {
        spin(null, 30);
        assertFalse(ctx.isIdle(null));
        ctx.synchronize();
        assertTrue(ctx.isIdle(null));
        spin(ctx.createStream(false, 0), 30);
        ctx.synchronize((GpuStream) null);
        assertTrue(ctx.isIdle(null));
    }

    @Test
    void destroyedForeignAndStrangeHandlesAreInvalid() {
        GpuStream s = ctx.createStream(false, 0);
        ctx.destroyStream(s);
        GpuException destroyed = assertThrows(GpuException.class, () -> ctx.synchronize(s));
        assertEquals(CudaError.INVALID_HANDLE.code(), destroyed.code());
        assertTrue(destroyed.getMessage().contains("was already destroyed"), destroyed.getMessage());
        assertEquals(CudaError.INVALID_HANDLE.code(), assertThrows(GpuException.class, () -> ctx.destroyStream(s)).code());

        GpuContext other = backend.openContext(TestBackends.first(backend).uuid());
        GpuStream foreign = other.createStream(false, 0);
        GpuException e = assertThrows(GpuException.class, () -> ctx.copyDtoD(ctx.memAlloc(4), ctx.memAlloc(4), 4, foreign));
        assertTrue(e.getMessage().contains("belongs to another context"), e.getMessage());
        GpuEvent foreignEvent = other.createEvent(true, false);
        assertThrows(GpuException.class, () -> ctx.record(foreignEvent, null));
        assertThrows(GpuException.class, () -> ctx.synchronize(new GpuStream() {}));

        GpuEvent ev = ctx.createEvent(true, false);
        ctx.destroyEvent(ev);
        assertThrows(GpuException.class, () -> ctx.isComplete(ev));
    }

    @Test
    void theContextIsCurrentWhereverItIsUsed() {
        // the fake keeps each context's memory apart: a call made with another context current fails
        GpuContext other = backend.openContext(TestBackends.first(backend).uuid());
        long a = ctx.memAlloc(16), b = other.memAlloc(16);
        for (int i = 0; i < 10; i++) {
            ctx.memsetD8(a, i, 16, null);
            other.memsetD8(b, i + 1, 16, null);
        }
        MemorySegment out = arena.allocate(16);
        ctx.copyDtoH(out, a, 16, null);
        assertEquals(0x09090909, out.get(JAVA_INT, 0));
        other.copyDtoH(out, b, 16, null);
        assertEquals(0x0a0a0a0a, out.get(JAVA_INT, 0));
    }
}
