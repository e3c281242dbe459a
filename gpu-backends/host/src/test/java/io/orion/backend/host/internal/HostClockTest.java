package io.orion.backend.host.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuEvent;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.GpuStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The clock a test gives the backend: events record its time, kernels report what they executed,
 * and every queued operation is reported queued and then done, so that a test clock can make event
 * timings exact (the compute gate's deterministic test does).
 */
class HostClockTest {
    /** A loop of {@code iters} adds per thread, then a store: its instruction count depends on iters only. */
    private static final String LOOP = """
            .version 8.0
            .target sm_90
            .address_size 64
            .visible .entry loop(.param .u64 out, .param .u32 iters)
            {
            \t.reg .pred %p<2>;
            \t.reg .b32 %r<6>;
            \t.reg .b64 %rd<4>;
            \tld.param.u64 %rd1, [out];
            \tld.param.u32 %r1, [iters];
            \tmov.u32 %r2, 0;
            \tmov.u32 %r3, 0;
            LOOP:
            \tsetp.ge.u32 %p1, %r2, %r1;
            \t@%p1 bra DONE;
            \tadd.u32 %r3, %r3, 3;
            \tadd.u32 %r2, %r2, 1;
            \tbra LOOP;
            DONE:
            \tmov.u32 %r4, %tid.x;
            \tmul.wide.u32 %rd2, %r4, 4;
            \tadd.s64 %rd3, %rd1, %rd2;
            \tst.global.u32 [%rd3], %r3;
            \tret;
            }
            """;

    /** Time moves only when a kernel ran: 10 ns per thread-instruction. */
    static final class KernelClock implements HostClock {
        final AtomicLong now = new AtomicLong(5_000_000);
        final AtomicLong instructions = new AtomicLong();
        final AtomicInteger kernels = new AtomicInteger(), queued = new AtomicInteger(), done = new AtomicInteger();

        @Override public long nanos() { return now.get(); }
        @Override public void workQueued() { queued.incrementAndGet(); }
        @Override public void workDone() { done.incrementAndGet(); }

        @Override
        public void kernelRan(long threadInstructions) {
            kernels.incrementAndGet();
            instructions.addAndGet(threadInstructions);
            now.addAndGet(10 * threadInstructions);
        }
    }

    private final KernelClock clock = new KernelClock();
    private TestDevice dev;
    private GpuFunction loop;
    private long out;

    @BeforeEach
    void open() {
        dev = new TestDevice(16, 2, clock);
        loop = dev.ctx().function(dev.loadPtx(LOOP), "loop");
        out = dev.ctx().memAlloc(4 * 32);
    }

    @AfterEach
    void close() {
        dev.close();
    }

    /** The instructions of one launch of {@code iters}, and the span its event pair measured, in nanoseconds. */
    private long[] timed(GpuStream s, int iters, int launches) {
        GpuEvent start = dev.ctx().createEvent(true, false), end = dev.ctx().createEvent(true, false);
        long before = clock.instructions.get();
        dev.ctx().record(start, s);
        for (int i = 0; i < launches; i++)
            dev.ctx().launch(loop, Dim3.of(1), Dim3.of(32), 0, s, TestDevice.args(loop, out, iters));
        dev.ctx().record(end, s);
        dev.ctx().synchronize(end);
        long span = Math.round(dev.ctx().elapsedMillis(start, end) * 1e6);
        return new long[] {clock.instructions.get() - before, span};
    }

    @Test
    void eventsRecordTheBackendsClock() {
        GpuStream s = dev.ctx().createStream(false, 0);
        long[] one = timed(s, 100, 1);
        assertTrue(one[0] > 32 * 100 * 3, "a thread-instruction per lane: " + one[0]);
        assertEquals(10 * one[0], one[1], "the pair measured exactly what the clock advanced by");
        long[] four = timed(s, 100, 4);
        assertEquals(4 * one[0], four[0], "the same kernel and arguments execute the same instructions");
        assertEquals(4 * one[1], four[1]);
        long[] two = timed(s, 200, 1), three = timed(s, 300, 1);
        assertEquals(two[0] - one[0], three[0] - two[0], "every iteration executes as many instructions");
        assertEquals(10 * three[0], three[1]);
        assertEquals(900, dev.ints(out, 1)[0], "the kernel ran");
    }

    @Test
    void everyQueuedOperationIsReportedDone() {
        GpuStream s = dev.ctx().createStream(true, 0);
        timed(s, 10, 3);
        dev.ctx().memsetD8(out, 0, 4 * 32, s);
        dev.ctx().synchronize();
        assertTrue(clock.queued.get() >= 6, "events, kernels, memset: " + clock.queued.get());
        assertEquals(clock.queued.get(), clock.done.get());
        assertEquals(3, clock.kernels.get());
        // a kernel that faults is still over, and so is what its stream skips after it
        dev.ctx().launch(loop, Dim3.of(1), Dim3.of(32), 0, s, TestDevice.args(loop, 8L, 1));
        dev.ctx().launch(loop, Dim3.of(1), Dim3.of(32), 0, s, TestDevice.args(loop, out, 1));
        assertThrows(RuntimeException.class, () -> dev.ctx().synchronize(s));
        assertEquals(clock.queued.get(), clock.done.get());
    }
}
