package io.orion.backend.cuda.internal.context;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuContext;
import io.orion.backend.cuda.internal.CudaBackend;
import io.orion.backend.cuda.internal.FakeDriver;
import io.orion.backend.cuda.internal.TestBackends;

/**
 * Many sessions on few threads and many threads on one session. The fake refuses memory of one
 * context while another is current, so any call made in the wrong context fails these tests.
 */
class ThreadingTest {
    private FakeDriver fake;
    private CudaBackend backend;
    private String uuid;
    private ExecutorService pool;

    @BeforeEach
    void open() {
        fake = FakeDriver.require();
        backend = TestBackends.fake();
        uuid = TestBackends.first(backend).uuid();
    }

    @AfterEach
    void close() throws InterruptedException {
        if (pool != null) {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        if (backend != null) backend.close();
    }

    /** Writes random bytes and reads them back; a wrong context would fail with INVALID_VALUE. */
    private static void roundTrip(GpuContext ctx, long ptr, int n) {
        byte[] data = new byte[n], got = new byte[n];
        ThreadLocalRandom.current().nextBytes(data);
        ctx.copyHtoD(ptr, MemorySegment.ofArray(data), n, null);
        ctx.copyDtoH(MemorySegment.ofArray(got), ptr, n, null);
        assertArrayEquals(data, got);
    }

    @Test
    void sessionsTakeTurnsOnPooledThreads() throws Exception {
        pool = Executors.newFixedThreadPool(2);
        List<GpuContext> contexts = new ArrayList<>();
        for (int i = 0; i < 6; i++) contexts.add(backend.openContext(backend.devices().get(i % 2).uuid()));
        List<Future<?>> done = new ArrayList<>();
        for (int task = 0; task < 300; task++) {
            GpuContext c = contexts.get(task % contexts.size());
            done.add(pool.submit(() -> {
                long p = c.memAlloc(256);
                roundTrip(c, p, 256);
                c.memFree(p);
            }));
        }
        for (Future<?> f : done) f.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aContextAlreadyCurrentIsNotSetAgain() {
        GpuContext ctx = backend.openContext(uuid);
        long p = ctx.memAlloc(64);
        ctx.memsetD8(p, 1, 64, null);
        long sets = fake.count("cuCtxSetCurrent");
        for (int i = 0; i < 100; i++) ctx.memsetD8(p, i, 64, null);
        assertEquals(sets, fake.count("cuCtxSetCurrent"), "the per-thread check avoided every cuCtxSetCurrent");
        GpuContext other = backend.openContext(uuid);
        other.memAlloc(64);
        ctx.memsetD8(p, 0, 64, null);
        assertEquals(sets + 2, fake.count("cuCtxSetCurrent"), "one switch to the other context and one back");
    }

    @Test
    void theDriverIsNotAskedWhichContextIsCurrent() {
        GpuContext ctx = backend.openContext(uuid);
        long p = ctx.memAlloc(64);
        long asked = fake.count("cuCtxGetCurrent");
        for (int i = 0; i < 100; i++) ctx.memsetD8(p, i, 64, null);
        assertEquals(asked, fake.count("cuCtxGetCurrent"), "the thread's note answered, with no driver call");
    }

    /** The note of the current context is per thread, not per backend: each backend would trust a note the other made stale. */
    @Test
    void twoBackendsTakeTurnsOnOneThread() {
        try (CudaBackend second = TestBackends.fake()) {
            GpuContext a = backend.openContext(uuid), b = second.openContext(uuid);
            long pa = a.memAlloc(256), pb = b.memAlloc(256);
            for (int i = 0; i < 20; i++) {
                roundTrip(a, pa, 256); // the fake refuses a's memory while b's context is current, and the reverse
                roundTrip(b, pb, 256);
            }
        }
    }

    @Test
    void manyThreadsOnOwnAndSharedContexts() throws Exception {
        pool = Executors.newFixedThreadPool(16);
        GpuContext shared = backend.openContext(uuid);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            GpuContext own = backend.openContext(backend.devices().get(t % 2).uuid());
            done.add(pool.submit(() -> {
                long p = own.memAlloc(4096);
                for (int i = 0; i < 200; i++) roundTrip(own, p, 4096);
            }));
            done.add(pool.submit(() -> {
                long p = shared.memAlloc(4096);
                for (int i = 0; i < 200; i++) roundTrip(shared, p, 1 + ThreadLocalRandom.current().nextInt(4096));
                shared.memFree(p);
            }));
        }
        for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
    }

    @Test
    void closeWaitsForCallsInFlight() throws Exception {
        GpuContext ctx = backend.openContext(uuid);
        MemorySegment args;
        try (Arena arena = Arena.ofConfined()) {
            var spin = ctx.function(ctx.loadModule(FakeDriver.ptx(arena, "orion_spin")), "orion_spin");
            args = arena.allocate(8);
            args.set(JAVA_LONG, 0, 300_000_000L);
            ctx.launch(spin, Dim3.of(1), Dim3.of(1), 0, null, args);
        }
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(ctx::synchronize);
        Thread.sleep(50);
        long t0 = System.nanoTime();
        ctx.close();
        long closedAfterMs = (System.nanoTime() - t0) / 1_000_000;
        waiting.get(5, TimeUnit.SECONDS); // it completed normally: the context was not destroyed under it
        assertTrue(closedAfterMs >= 150, "close returned after " + closedAfterMs + " ms, before the synchronize ended");
    }

    @Test
    void aThreadWhoseContextWasClosedWorksForTheNextOne() throws Exception {
        pool = Executors.newSingleThreadExecutor();
        GpuContext first = backend.openContext(uuid);
        long p = first.memAlloc(64);
        pool.submit(() -> roundTrip(first, p, 64)).get(); // first is now current on the pool thread
        first.close();
        GpuContext second = backend.openContext(uuid);
        long q = second.memAlloc(64);
        pool.submit(() -> roundTrip(second, q, 64)).get();
    }
}
