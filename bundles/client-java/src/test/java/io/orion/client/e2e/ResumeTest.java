package io.orion.client.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.orion.api.backend.Dim3;
import io.orion.client.ClientOptions;
import io.orion.client.Kernel;
import io.orion.client.OrionClient;
import io.orion.client.Vgpu;
import io.orion.client.VgpuSession;
import io.orion.server.internal.FakeBackend;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Resuming after frames were lost in a broken connection (protocol.md §5.3): requests the server
 * never got are sent again with their sequence numbers, and a reply the client never got is sent
 * again by the server. A proxy between client and server loses the frames on purpose.
 */
@Timeout(60)
class ResumeTest {
    private FakeBackend backend;
    private ServerFixture fx;
    private CuttingProxy proxy;

    @BeforeEach
    void start() throws Exception {
        backend = new FakeBackend(256L << 20);
        fx = new ServerFixture(backend, ServerFixture.testSettings().withDisconnectGrace(Duration.ofSeconds(10)));
        proxy = new CuttingProxy(Integer.parseInt(fx.tcpEndpoint.substring(fx.tcpEndpoint.lastIndexOf(':') + 1)));
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        fx.close();
    }

    private VgpuSession open() {
        return OrionClient.open(ClientOptions.of(proxy.endpoint(), 64).withResumeWindow(Duration.ofSeconds(10)));
    }

    @Test
    void asynchronousRequestsLostInTheBreakAreSentAgain() throws Exception {
        try (VgpuSession s = open(); Arena a = Arena.ofConfined()) {
            Vgpu d = s.device(0);
            Kernel fill = d.loadModule("fill\n".getBytes(StandardCharsets.UTF_8)).kernel("fill");
            long p = d.malloc(400);
            d.memset(p, 0, 400);
            proxy.holdRequests(); // from here the server gets nothing
            for (int i = 1; i <= 100; i++) d.launch(fill, Dim3.of(1), Dim3.of(1), 0, null, fill.args().ptr(p).i32(i).i32(100));
            long t0 = System.nanoTime();
            while (proxy.swallowed() < 100 && System.nanoTime() - t0 < 5_000_000_000L) Thread.sleep(5);
            assertEquals(100, proxy.swallowed(), "the proxy has swallowed the launches");
            assertEquals(0, fx.server.sessions().get(0).vgpus().get(0).launches(), "the launches were lost on the way");
            proxy.cut();
            MemorySegment out = a.allocate(400);
            d.copyFromDevice(out, p, 400); // breaks, resumes, sends the 100 launches again, then copies
            assertEquals(100, out.get(ValueLayout.JAVA_INT, 396), "the last launch ran last");
            assertEquals(100, fx.server.sessions().get(0).vgpus().get(0).launches(), "each launch ran once");
            assertEquals(1, s.resumes());
        }
    }

    @Test
    void aReplyLostInTheBreakIsSentAgainByTheServer() throws Exception {
        try (VgpuSession s = open(); Arena a = Arena.ofShared()) {
            Vgpu d = s.device(0);
            d.malloc(1024);
            proxy.holdReplies(); // the server handles the next call, its answer is lost
            CompletableFuture<Long> alloc = CompletableFuture.supplyAsync(() -> d.malloc(4096));
            long t0 = System.nanoTime();
            while (fx.server.sessions().get(0).vgpus().get(0).allocations() < 2 && System.nanoTime() - t0 < 5_000_000_000L) Thread.sleep(5);
            assertEquals(2, fx.server.sessions().get(0).vgpus().get(0).allocations(), "the server made the allocation");
            proxy.cut();
            long p = alloc.get(10, TimeUnit.SECONDS); // the cached reply, not a second allocation
            assertEquals(2, fx.server.sessions().get(0).vgpus().get(0).allocations(), "allocated once");
            MemorySegment src = a.allocate(4096).fill((byte) 7), back = a.allocate(4096);
            d.copyToDevice(p, src, 4096);
            d.copyFromDevice(back, p, 4096);
            assertEquals(-1, src.mismatch(back), "the pointer from the resent reply is the session's");
            assertEquals(1, s.resumes());
        }
    }

    @Test
    void aCopyWhoseDataReplyWasLostIsAskedAgain() throws Exception {
        try (VgpuSession s = open(); Arena a = Arena.ofShared()) {
            Vgpu d = s.device(0);
            long p = d.malloc(1 << 20);
            MemorySegment src = a.allocate(1 << 20);
            for (int i = 0; i < (1 << 20); i += 4) src.set(ValueLayout.JAVA_INT, i, i);
            d.copyToDevice(p, src, 1 << 20);
            proxy.holdReplies();
            MemorySegment back = a.allocate(1 << 20);
            CompletableFuture<Void> copy = CompletableFuture.runAsync(() -> d.copyFromDevice(back, p, 1 << 20));
            long t0 = System.nanoTime();
            while (proxy.swallowed() == 0 && System.nanoTime() - t0 < 5_000_000_000L) Thread.sleep(5);
            proxy.cut();
            copy.get(10, TimeUnit.SECONDS);
            assertEquals(-1, src.mismatch(back));
        }
    }
}
