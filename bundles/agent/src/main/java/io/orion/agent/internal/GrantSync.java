package io.orion.agent.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.orion.api.pool.Vgpu;
import io.orion.api.server.VgpuGrant;
import io.orion.api.server.VgpuServer;
import io.orion.api.server.VgpuStatus;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the server's grants equal to the vGPUs the controller holds on this node: pushed changes
 * apply at once, and every heartbeat answer reconciles whatever was missed (a restart on either
 * side, a lost push). Grants the server made by itself (automatic) are left alone.
 */
final class GrantSync {
    private static final Logger LOG = LoggerFactory.getLogger(GrantSync.class);

    private final VgpuServer server;
    private final String node;
    /** vGPU id → allocation id, for the leases the heartbeat renews. */
    private final Map<String, String> allocationOf = new ConcurrentHashMap<>();

    GrantSync(VgpuServer server, String node) {
        this.server = server;
        this.node = node;
    }

    Map<String, String> allocationOf() { return allocationOf; }

    void grant(Vgpu v) {
        if (!v.node().equals(node)) return;
        try {
            server.grant(new VgpuGrant(v.id(), v.gpuUuid(), v.memoryMiB(), v.ratio(), v.groupId()));
            allocationOf.put(v.id(), v.allocationId());
        } catch (IllegalArgumentException e) {
            LOG.error("cannot grant {} on this server: {}", v.id(), e.getMessage());
        }
    }

    void resize(Vgpu v) {
        if (!v.node().equals(node)) return;
        if (server.vgpu(v.id()).isEmpty()) {
            grant(v);
            return;
        }
        server.resize(v.id(), v.memoryMiB(), v.ratio());
    }

    void revoke(String vgpuId) {
        allocationOf.remove(vgpuId);
        server.revoke(vgpuId);
    }

    /** Makes the grants match {@code held}, the controller's list for this node. */
    void reconcile(List<Vgpu> held) {
        Set<String> wanted = held.stream().map(Vgpu::id).collect(Collectors.toSet());
        for (Vgpu v : held) {
            VgpuStatus s = server.vgpu(v.id()).orElse(null);
            if (s == null) {
                LOG.info("granting {} the controller holds on this node ({} MiB / {}%)", v.id(), v.memoryMiB(), v.ratio());
                grant(v);
            } else if (s.grant().memoryMiB() != v.memoryMiB() || s.grant().ratio() != v.ratio()) {
                server.resize(v.id(), v.memoryMiB(), v.ratio());
            }
            allocationOf.put(v.id(), v.allocationId());
        }
        for (VgpuStatus s : server.vgpus()) {
            if (!s.automatic() && !wanted.contains(s.grant().id())) {
                LOG.info("revoking {}: the controller no longer holds it on this node", s.grant().id());
                revoke(s.grant().id());
            }
        }
    }
}
