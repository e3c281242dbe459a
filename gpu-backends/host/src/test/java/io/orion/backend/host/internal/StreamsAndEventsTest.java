package io.orion.backend.host.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuEvent;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.GpuModule;
import io.orion.api.backend.GpuStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CUDA's ordering rules, observed rather than timed: a kernel waits for a flag that a kernel on
 * another stream sets. If the streams may run concurrently it sees the flag; if the rules order
 * the setter after the waiter, the waiter times out. Event timing is checked against a known wait.
 */
class StreamsAndEventsTest {
    private static final long TIMEOUT = 400_000_000L; // 0.4 s of kernel time before a waiter gives up

    private TestDevice dev;
    private GpuFunction waitFlag, setFlag, spin;

    @BeforeEach
    void open() {
        dev = new TestDevice(64, 3);
        GpuModule m = dev.loadPtx(TestPtx.STREAMS);
        waitFlag = dev.ctx().function(m, "wait_flag");
        setFlag = dev.ctx().function(m, "set_flag");
        spin = dev.ctx().function(m, "spin");
    }

    @AfterEach
    void close() {
        dev.close();
    }

    /** Launches wait_flag on {@code waiter} and set_flag on {@code setter}; true if the waiter saw the flag. */
    private boolean sawFlag(GpuStream waiter, GpuStream setter) {
        long flag = dev.upload(new int[1]);
        long out = dev.upload(new int[] {-1});
        dev.ctx().launch(waitFlag, Dim3.of(1), Dim3.of(1), 0, waiter, TestDevice.args(waitFlag, flag, out, TIMEOUT));
        dev.ctx().launch(setFlag, Dim3.of(1), Dim3.of(1), 0, setter, TestDevice.args(setFlag, flag));
        dev.ctx().synchronize();
        int seen = dev.ints(out, 1)[0];
        assertTrue(seen == 0 || seen == 1, "the waiter ran");
        return seen == 1;
    }

    @Test
    void streamsRunConcurrentlyUnlessTheLegacyDefaultStreamOrdersThem() {
        GpuStream a = dev.ctx().createStream(false, 0);
        GpuStream b = dev.ctx().createStream(false, 0);
        GpuStream nb1 = dev.ctx().createStream(true, 0);
        GpuStream nb2 = dev.ctx().createStream(true, 0);
        assertTrue(sawFlag(a, b), "two blocking streams do not wait for each other");
        assertTrue(sawFlag(nb1, nb2), "two non-blocking streams do not wait for each other");
        assertFalse(sawFlag(a, null), "the default stream waits for earlier work of blocking streams");
        assertFalse(sawFlag(null, a), "a blocking stream waits for earlier work of the default stream");
        assertTrue(sawFlag(nb1, null), "the default stream does not wait for non-blocking streams");
        assertTrue(sawFlag(null, nb2), "a non-blocking stream does not wait for the default stream");
        assertFalse(sawFlag(a, a), "one stream runs its work in order");
    }

    @Test
    void waitEventOrdersWorkAcrossStreams() {
        GpuStream a = dev.ctx().createStream(true, 0);
        GpuStream b = dev.ctx().createStream(true, 0);
        long flag = dev.upload(new int[1]);
        long out = dev.upload(new int[] {-1});
        GpuEvent done = dev.ctx().createEvent(false, false);
        dev.ctx().launch(waitFlag, Dim3.of(1), Dim3.of(1), 0, a, TestDevice.args(waitFlag, flag, out, TIMEOUT));
        dev.ctx().record(done, a);
        dev.ctx().waitEvent(b, done);
        dev.ctx().launch(setFlag, Dim3.of(1), Dim3.of(1), 0, b, TestDevice.args(setFlag, flag));
        dev.ctx().synchronize(b);
        assertTrue(dev.ctx().isComplete(done));
        assertArrayEquals(new int[] {0}, dev.ints(out, 1), "the setter ran only after the waiter gave up");
    }

    @Test
    void eventsMeasureRealTime() {
        GpuStream s = dev.ctx().createStream(false, 0);
        GpuEvent start = dev.ctx().createEvent(true, false);
        GpuEvent end = dev.ctx().createEvent(true, true);
        long out = dev.ctx().memAlloc(4);
        dev.ctx().record(start, s);
        dev.ctx().launch(spin, Dim3.of(1), Dim3.of(1), 0, s, TestDevice.args(spin, out, 300_000_000L, 5));
        dev.ctx().record(end, s);
        assertFalse(dev.ctx().isIdle(s), "the stream still spins");
        assertFalse(dev.ctx().isComplete(end));
        assertEquals(CudaError.NOT_READY, assertThrows(GpuException.class, () -> dev.ctx().elapsedMillis(start, end)).error());
        dev.ctx().synchronize(end);
        float ms = dev.ctx().elapsedMillis(start, end);
        assertTrue(ms >= 299 && ms < 10_000, "elapsed " + ms + " ms for a 300 ms kernel");
        assertTrue(dev.ctx().isIdle(s));
        assertArrayEquals(new int[] {5}, dev.ints(out, 1));
    }

    @Test
    void queuedCopiesAndMemsetsWaitForTheirStream() {
        GpuStream s = dev.ctx().createStream(false, 0);
        long out = dev.ctx().memAlloc(64);
        long copy = dev.ctx().memAlloc(64);
        int[] host = new int[16];
        dev.ctx().launch(spin, Dim3.of(1), Dim3.of(1), 0, s, TestDevice.args(spin, out, 200_000_000L, 7));
        long start = System.nanoTime();
        dev.ctx().memsetD8(out + 4, 1, 4, s);
        dev.ctx().copyDtoD(copy, out, 64, s);
        dev.ctx().copyDtoH(java.lang.foreign.MemorySegment.ofArray(host), copy, 64, s);
        assertTrue(System.nanoTime() - start < 150_000_000L, "queuing returned at once, while the kernel still spins");
        dev.ctx().synchronize(s);
        assertEquals(7, host[0], "the copies ran after the kernel");
        assertEquals(0x01010101, host[1], "and after the memset");
    }

    @Test
    void eventMisuseIsReported() {
        GpuEvent recorded = dev.ctx().createEvent(true, false);
        GpuEvent never = dev.ctx().createEvent(true, false);
        GpuEvent untimed = dev.ctx().createEvent(false, false);
        assertTrue(dev.ctx().isComplete(never), "an event never recorded counts as complete");
        dev.ctx().synchronize(never);
        dev.ctx().record(recorded, null);
        dev.ctx().record(untimed, null);
        dev.ctx().synchronize();
        assertEquals(CudaError.INVALID_HANDLE, assertThrows(GpuException.class, () -> dev.ctx().elapsedMillis(recorded, never)).error());
        assertEquals(CudaError.INVALID_HANDLE, assertThrows(GpuException.class, () -> dev.ctx().elapsedMillis(recorded, untimed)).error());
        assertTrue(dev.ctx().elapsedMillis(recorded, recorded) == 0f);
    }

    @Test
    void streamHandlesAreCheckedAndDestroyedStreamsFinishTheirWork() {
        GpuStream s = dev.ctx().createStream(false, 0);
        long out = dev.ctx().memAlloc(4);
        dev.ctx().launch(spin, Dim3.of(1), Dim3.of(1), 0, s, TestDevice.args(spin, out, 100_000_000L, 9));
        dev.ctx().destroyStream(s);
        assertEquals(CudaError.INVALID_HANDLE, assertThrows(GpuException.class, () -> dev.ctx().synchronize(s)).error());
        dev.ctx().synchronize(); // includes the destroyed stream's work
        assertArrayEquals(new int[] {9}, dev.ints(out, 1));
        try (TestDevice other = new TestDevice()) {
            GpuStream foreign = other.ctx().createStream(false, 0);
            assertEquals(CudaError.INVALID_HANDLE, assertThrows(GpuException.class, () -> dev.ctx().synchronize(foreign)).error());
        }
    }

    @Test
    void closingAContextStopsARunawayKernel() {
        long out = dev.ctx().memAlloc(4);
        dev.ctx().launch(spin, Dim3.of(1), Dim3.of(1), 0, null, TestDevice.args(spin, out, 600_000_000_000L, 1));
        long start = System.nanoTime();
        dev.context.close();
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "close waited for a ten-minute kernel");
    }
}
