package io.orion.client.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuBackend;
import io.orion.api.backend.GpuException;
import io.orion.client.ClientOptions;
import io.orion.client.OrionClient;
import io.orion.client.VgpuSession;
import io.orion.server.internal.FakeBackend;
import io.orion.server.internal.ServerSettings;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Cross-session isolation and the cleanup of a killed client process, over both transports, on the
 * backend double and on the host backend (real device memory behind the interpreter's allocation
 * table). The server runs with its shipped settings (disconnect grace 500 ms, reaper every 100 ms),
 * so the cleanup time printed is what a deployment gets, not that of a shortened test grace.
 */
class IsolationAndCleanupTest {
    private static final long MIB = 1 << 20;
    private GpuBackend backend;
    private ServerFixture fx;

    private void start(String backendName) throws Exception {
        backend = switch (backendName) {
            case "fake" -> new FakeBackend(256 * MIB);
            case "host" -> TestBackends.host(1, 256);
            default -> throw new IllegalArgumentException("unknown backend " + backendName);
        };
        assertEquals(shippedDisconnectGraceMillis(), ServerSettings.defaults().disconnectGrace().toMillis(),
                "the test server's grace is not the platform's default");
        fx = new ServerFixture(backend, ServerSettings.defaults());
    }

    @AfterEach
    void stop() throws Exception {
        if (fx != null) fx.close();
        try {
            assertEquals(0, TestBackends.openContexts(backend), "contexts left open");
            assertEquals(0, deviceBytesInUse(), "device memory left allocated");
        } finally {
            if (!(backend instanceof FakeBackend)) TestBackends.close(backend);
        }
    }

    /** The default of the server's configuration (ServerConfig, what the platform ships). */
    private static long shippedDisconnectGraceMillis() throws ReflectiveOperationException {
        return (Long) Class.forName("io.orion.server.internal.ServerConfig").getDeclaredMethod("disconnectGraceMillis")
                .getDefaultValue();
    }

    /** Device memory allocated now, by every context: the double counts it, the host backend reports it as telemetry. */
    private long deviceBytesInUse() {
        if (backend instanceof FakeBackend f) return f.allocated();
        return backend.telemetry(backend.devices().get(0).uuid()).orElseThrow().memoryUsedBytes();
    }

    private VgpuSession open(String transport, long memoryMiB) {
        return OrionClient.open(ClientOptions.of(fx.endpoint(transport), memoryMiB).withChunkBytes(64 * 1024));
    }

    @ParameterizedTest
    @CsvSource({"fake, tcp", "fake, shm", "host, tcp", "host, shm"})
    void quotaAndIsolationHold(String backendName, String transport) throws Exception {
        start(backendName);
        try (VgpuSession a = open(transport, 16); VgpuSession b = open(transport, 16)) {
            long p = a.device(0).malloc(10 * MIB);
            GpuException oom = assertThrows(GpuException.class, () -> a.device(0).malloc(7 * MIB));
            assertEquals(CudaError.OUT_OF_MEMORY.code(), oom.code());
            assertEquals(16 * MIB, a.device(0).memInfo().totalBytes());
            assertEquals(6 * MIB, a.device(0).memInfo().freeBytes());
            // b holds memory of its own. Each session's context has its own address space, so b's allocation may
            // have the very address of a's (both backends do that, as two processes on one GPU may): the foreign
            // range is one inside a's allocation and past the end of b's.
            long q = b.device(0).malloc(MIB);
            long foreign = p + 4 * MIB;
            assertTrue(foreign >= q + MIB || foreign + 16 <= q, "the test's foreign range overlaps b's allocation");
            GpuException refused = assertThrows(GpuException.class, () -> b.device(0).memset(foreign, 0, 16));
            assertEquals(CudaError.INVALID_VALUE.code(), refused.code());
            assertEquals(CudaError.INVALID_VALUE.code(), assertThrows(GpuException.class, () -> a.device(0).memset(p, 0, 10 * MIB + 1)).code());
            if (p != q) assertThrows(GpuException.class, () -> b.device(0).free(p));
            a.device(0).memset(foreign, 0, 16); // still a's to use: b's refused attempt changed nothing
            a.device(0).free(p);
            assertThrows(GpuException.class, () -> a.device(0).free(p));
            b.device(0).free(q);
        }
    }

    @ParameterizedTest
    @CsvSource({"fake, tcp", "fake, shm", "host, tcp", "host, shm"})
    void aForeignPointerInAnAsynchronousMemsetFailsAtTheNextSynchronizeOnce(String backendName, String transport) throws Exception {
        start(backendName);
        try (VgpuSession a = open(transport, 16); VgpuSession b = open(transport, 16); Arena arena = Arena.ofConfined()) {
            long p = a.device(0).malloc(4 * MIB);
            a.device(0).memset(p, 0x5a, 4 * MIB);
            long q = b.device(0).malloc(MIB);
            long foreign = p + 2 * MIB; // a's, and past b's allocation even where the two share an address
            assertTrue(foreign >= q + MIB || foreign + MIB <= q, "the test's foreign range overlaps b's allocation");
            // Sent without waiting (protocol.md §3.2): the server refuses it, latches the error on b's session and
            // reports it at b's next synchronizing call, once; b's own later work is not affected.
            b.device(0).memsetAsync(foreign, 0, MIB, null);
            b.device(0).memsetAsync(q, 7, MIB, null);
            GpuException latched = assertThrows(GpuException.class, b.device(0)::synchronize);
            assertEquals(CudaError.INVALID_VALUE.code(), latched.code(), latched.getMessage());
            b.device(0).synchronize(); // reported once
            MemorySegment back = arena.allocate(MIB);
            a.device(0).copyFromDevice(back, foreign, MIB);
            for (long i = 0; i < MIB; i += 4096) assertEquals(0x5a, back.get(ValueLayout.JAVA_BYTE, i), "a's byte " + (2 * MIB + i));
            b.device(0).copyFromDevice(back, q, MIB);
            assertEquals(7, back.get(ValueLayout.JAVA_BYTE, MIB - 1), "b's own memset after the refused one ran");
            a.device(0).synchronize(); // the error was b's alone
        }
    }

    @ParameterizedTest
    @CsvSource({"fake, tcp", "fake, shm", "host, tcp", "host, shm"})
    void aKilledClientProcessIsFreedWithinASecond(String backendName, String transport) throws Exception {
        start(backendName);
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), DyingClient.class.getName(), fx.endpoint(transport))
                .redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null && !line.startsWith("READY")) { /* skip its log */ }
            assertTrue(line != null, "the client process did not get ready");
            assertEquals(8 * MIB, deviceBytesInUse());
            long t0 = System.nanoTime();
            p.destroyForcibly().waitFor();
            while ((!fx.server.sessions().isEmpty() || TestBackends.openContexts(backend) > 0)
                    && System.nanoTime() - t0 < 3_000_000_000L) Thread.sleep(5);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(fx.server.sessions().isEmpty(), "the session is still there " + ms + " ms after the kill");
            assertEquals(0, deviceBytesInUse());
            assertTrue(ms < 1000, "freed " + ms + " ms after the kill");
            System.out.printf("%s backend, %s: a killed client was freed %d ms after SIGKILL (grace %d ms)%n", backendName,
                    transport, ms, ServerSettings.defaults().disconnectGrace().toMillis());
        } finally {
            p.destroyForcibly();
        }
    }
}
