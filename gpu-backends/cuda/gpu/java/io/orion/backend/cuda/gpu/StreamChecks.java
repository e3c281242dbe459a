package io.orion.backend.cuda.gpu;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.util.Arrays;

import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuEvent;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.GpuStream;
import io.orion.api.backend.HostMemory;

/** Streams, events, timing and ordering, with a kernel that keeps the GPU busy for a set time. */
final class StreamChecks {
    private StreamChecks() {}

    static void all(SuiteRunner r, Fixture f) {
        r.check("stream: busy until its work is done; its event completes with it", () -> {
            try (GpuContext ctx = f.open()) {
                GpuFunction spin = ctx.function(f.load(ctx), "orion_spin");
                GpuStream s = ctx.createStream(true, 0);
                Expect.that(ctx.isIdle(s), "a new stream is idle");
                ctx.launch(spin, Dim3.of(1), Dim3.of(1), 0, s, Fixture.spinArgs(200));
                GpuEvent done = ctx.createEvent(false, false);
                ctx.record(done, s);
                Expect.that(!ctx.isIdle(s), "idle right after queueing 200 ms of work");
                Expect.that(!ctx.isComplete(done), "the event completed before the work");
                ctx.synchronize(s);
                Expect.that(ctx.isIdle(s), "idle after synchronize");
                Expect.that(ctx.isComplete(done), "complete after synchronize");
                ctx.destroyEvent(done);
                ctx.destroyStream(s);
            }
        });
        r.check("event: elapsed time of a 50 ms kernel", () -> {
            try (GpuContext ctx = f.open()) {
                GpuFunction spin = ctx.function(f.load(ctx), "orion_spin");
                GpuStream s = ctx.createStream(false, 0);
                GpuEvent start = ctx.createEvent(true, false), end = ctx.createEvent(true, true);
                ctx.launch(spin, Dim3.of(1), Dim3.of(1), 0, s, Fixture.spinArgs(1)); // warm the kernel up
                ctx.record(start, s);
                ctx.launch(spin, Dim3.of(1), Dim3.of(1), 0, s, Fixture.spinArgs(50));
                ctx.record(end, s);
                ctx.synchronize(end);
                float ms = ctx.elapsedMillis(start, end);
                Expect.that(ms >= 49.5f && ms < 80f, "elapsed " + ms + " ms for a 50 ms kernel");
            }
        });
        r.check("stream: waitEvent makes one stream wait for another's work", () -> {
            try (GpuContext ctx = f.open(); HostMemory pinned = ctx.allocHost(1 << 20)) {
                GpuFunction spin = ctx.function(f.load(ctx), "orion_spin");
                int n = 1 << 20;
                long p = ctx.memAlloc(n);
                ctx.memsetD8(p, 0, n, null);
                ctx.synchronize();
                GpuStream producer = ctx.createStream(true, 0), consumer = ctx.createStream(true, 0);
                ctx.launch(spin, Dim3.of(1), Dim3.of(1), 0, producer, Fixture.spinArgs(100));
                ctx.memsetD8(p, 7, n, producer);
                GpuEvent produced = ctx.createEvent(false, false);
                ctx.record(produced, producer);
                ctx.waitEvent(consumer, produced);
                ctx.copyDtoH(pinned.segment(), p, n, consumer);
                ctx.synchronize(consumer);
                byte[] expect = new byte[n];
                Arrays.fill(expect, (byte) 7);
                Expect.equal(expect, pinned.segment().toArray(JAVA_BYTE), "the consumer saw the producer's memset");
            }
        });
        r.check("stream: the default stream waits for blocking streams, not for non-blocking ones", () -> {
            try (GpuContext ctx = f.open()) {
                GpuFunction spin = ctx.function(f.load(ctx), "orion_spin");
                long p = ctx.memAlloc(64);
                GpuStream blocking = ctx.createStream(false, 0), nonBlocking = ctx.createStream(true, -1);
                ctx.launch(spin, Dim3.of(1), Dim3.of(1), 0, blocking, Fixture.spinArgs(150));
                GpuEvent afterBlocking = ctx.createEvent(false, false);
                ctx.memsetD8(p, 1, 64, null);
                ctx.record(afterBlocking, null);
                Expect.that(!ctx.isComplete(afterBlocking), "default-stream work ran before the blocking stream's");
                ctx.synchronize(afterBlocking);
                Expect.that(ctx.isIdle(blocking), "the blocking stream is done once the default stream is");

                ctx.launch(spin, Dim3.of(1), Dim3.of(1), 0, nonBlocking, Fixture.spinArgs(300));
                GpuEvent independent = ctx.createEvent(false, false);
                ctx.memsetD8(p, 2, 64, null);
                ctx.record(independent, null);
                ctx.synchronize(independent);
                Expect.that(!ctx.isIdle(nonBlocking), "the default stream waited for a non-blocking stream");
                ctx.synchronize();
                Expect.that(ctx.isIdle(nonBlocking), "a context synchronize waits for every stream");
            }
        });
    }
}
