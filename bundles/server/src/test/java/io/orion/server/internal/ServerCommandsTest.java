package io.orion.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.orion.protocol.MemoryCalls;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The console commands over a real server on the backend double. */
class ServerCommandsTest {
    private final FakeBackend backend = new FakeBackend(64L << 20);
    private final RemotingServer server = new RemotingServer(ServerSettings.defaults().withDisconnectGrace(Duration.ZERO),
            () -> Optional.of(backend));
    private final ServerCommands cmd = new ServerCommands(server);

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void grantsAreAddedListedResizedAndRevoked() {
        assertEquals("no vGPUs granted\n", cmd.grants());
        assertEquals("granted v1: 16 MiB, 40%\n", cmd.grants("add", "v1", FakeBackend.UUID, "16", "40", "pod-3"));
        String list = cmd.grants("list");
        assertTrue(list.startsWith("VGPU"), list);
        assertTrue(list.contains("v1") && list.contains("16") && list.contains("40%") && list.contains("pod-3") && list.contains("granted"), list);
        assertTrue(list.contains("MODE") && list.contains(" off ") && list.contains(" - "), "the gate is off on this server: " + list);
        assertTrue(cmd.grants("resize", "v1", "8", "20").startsWith("resized v1 to 8 MiB, 20%"));
        assertTrue(cmd.grants("add", "v2", "GPU-none", "1", "1").contains("is not on this server"));
        assertTrue(cmd.grants("resize", "v1", "lots", "20").contains("MEMORY_MIB must be a number, was 'lots'"));
        assertEquals("revoked v1\n", cmd.grants("revoke", "v1"));
        assertEquals("orion:grants: no vGPU v1\n", cmd.grants("revoke", "v1"));
        assertTrue(cmd.grants("frobnicate").contains("unknown action 'frobnicate'"));
    }

    @Test
    void sessionsAreListedWithTheirUsageAndCanBeClosed() {
        LoopbackConnection c = new LoopbackConnection(server, null);
        c.hello(1, 8, "grp");
        c.call(new MemoryCalls.MemAlloc(0, 3 << 20));
        String list = cmd.sessions();
        assertTrue(list.contains(String.format("%016x", c.session)), list);
        assertTrue(list.contains("100@test-host test") && list.contains("attached") && list.contains("loopback"), list);
        assertTrue(list.contains("0:auto-grp-0") && list.contains("3.0"), list);
        assertTrue(cmd.grants().contains("automatic"));
        assertEquals("orion:sessions: 'xyz' is not a session id (16 hex digits, as listed)\n", cmd.sessions("close", "xyz"));
        assertEquals("closed session " + String.format("%016x", c.session) + "\n", cmd.sessions("close", String.format("%016x", c.session)));
        assertEquals("no sessions\n", cmd.sessions());
        assertEquals(0, backend.openContexts());
        assertEquals(List.of(), server.vgpus());
        assertTrue(!c.isOpen(), "closing a session closes its connection");
    }
}
