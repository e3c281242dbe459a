package io.orion.agent.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import io.orion.api.pool.Allocation;
import io.orion.api.pool.AllocationResult;
import io.orion.api.pool.NodeView;
import io.orion.api.pool.PoolService;
import io.orion.api.pool.Vgpu;
import io.orion.api.pool.VgpuRequest;
import io.orion.api.server.VgpuServer;
import io.orion.testing.Await;
import io.orion.testing.Bundles;
import io.orion.testing.Configs;
import io.orion.testing.Controller;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The agent joins the server to the pool: the node appears with the backend's GPUs, an
 * allocation is granted on the server before the allocating call returns, resizes and releases
 * follow at once — with the controller in the runtime, and with it reached over REST.
 */
@ExtendWith(ServiceExtension.class)
class NodeAgentIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @InjectService ConfigurationAdmin cm;
    @InjectService VgpuServer server;

    @AfterEach
    void reset() throws Exception {
        PoolService pool = Controller.inMemory(Bundles.framework(getClass()), cm);
        pool.allocations().forEach(a -> pool.release(a.id()));
        Configs.reset(cm, "io.orion.agent");
        // the next test's node offers the same GPU under another name
        for (String n : new String[] {"local-node", "remote-node", "sync-node"}) pool.removeNode(n);
    }

    private PoolService joined(String node) throws Exception {
        PoolService pool = Controller.inMemory(Bundles.framework(getClass()), cm);
        Await.until("node " + node + " with the host backend's GPU in the pool", WAIT, () -> pool.snapshot().node(node)
                .map(n -> n.gpus().size() == 1 && n.schedulable()).orElse(false));
        return pool;
    }

    private void grantsFollowThePool(PoolService pool, String node) {
        NodeView n = pool.snapshot().node(node).orElseThrow();
        assertEquals("127.0.0.1", n.address());
        assertTrue(n.transports().containsKey("control"), n.transports().toString());
        Allocation a = ((AllocationResult.Granted) pool.allocate(VgpuRequest.of(1, 256, 40).onNode(node), "it")).allocation();
        Vgpu v = a.vgpus().get(0);
        Await.until("the grant on the server", WAIT, () -> server.vgpu(v.id()).isPresent());
        assertEquals(256, server.vgpu(v.id()).orElseThrow().grant().memoryMiB());

        pool.resize(v.id(), 512, 60);
        Await.until("the resize on the server", WAIT, () -> server.vgpu(v.id()).map(s -> s.grant().memoryMiB() == 512
                && s.grant().ratio() == 60).orElse(false));

        Await.until("a heartbeat with the server's report", WAIT, () -> pool.nodeStatus(node)
                .map(s -> s.report().vgpus().stream().anyMatch(u -> u.vgpuId().equals(v.id()))).orElse(false));

        pool.release(a.id());
        Await.until("the revocation on the server", WAIT, () -> server.vgpu(v.id()).isEmpty());
    }

    @Test
    void joinsALocalController() throws Exception {
        Configs.set(cm, "io.orion.agent", "nodeName", "local-node");
        Configs.set(cm, "io.orion.agent", "address", "127.0.0.1");
        PoolService pool = joined("local-node");
        grantsFollowThePool(pool, "local-node");
        // the grant is there before allocate() returns: the client may connect at once
        Allocation b = ((AllocationResult.Granted) pool.allocate(VgpuRequest.of(1, 128, 10).onNode("local-node"), "it")).allocation();
        assertTrue(server.vgpu(b.vgpus().get(0).id()).isPresent(), "granted synchronously");
    }

    @Test
    void joinsAControllerOverRest() throws Exception {
        Configs.set(cm, "io.orion.agent", "nodeName", "remote-node");
        Configs.set(cm, "io.orion.agent", "address", "127.0.0.1");
        Configs.set(cm, "io.orion.agent", "controller", "http://127.0.0.1:18125");
        PoolService pool = joined("remote-node");
        grantsFollowThePool(pool, "remote-node");
    }

    @Test
    void aGrantTheControllerDoesNotHoldIsRevokedByTheNextHeartbeat() throws Exception {
        Configs.set(cm, "io.orion.agent", "nodeName", "sync-node");
        Configs.set(cm, "io.orion.agent", "address", "127.0.0.1");
        PoolService pool = joined("sync-node");
        String gpu = pool.snapshot().node("sync-node").orElseThrow().gpus().get(0).uuid();
        server.grant(new io.orion.api.server.VgpuGrant("vgpu-stale", gpu, 64, 10, ""));
        Await.until("the stale grant to be revoked", WAIT, () -> server.vgpu("vgpu-stale").isEmpty());
        assertFalse(server.vgpu("vgpu-stale").isPresent());
    }
}
