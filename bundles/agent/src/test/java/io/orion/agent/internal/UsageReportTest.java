package io.orion.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.orion.api.pool.NodeReport;
import io.orion.api.pool.VgpuUsage;
import io.orion.api.server.SessionInfo;
import io.orion.api.server.VgpuGrant;
import io.orion.api.server.VgpuServer;
import io.orion.api.server.VgpuStatus;

import org.junit.jupiter.api.Test;

/**
 * The heartbeat carries the compute gate's figures per vGPU as the server reports them, and names
 * as live exactly the allocations that a session (attached or waiting to resume) uses.
 */
class UsageReportTest {

    /** A server that only lists vGPUs and sessions. */
    private record Listing(List<VgpuStatus> vgpus, List<SessionInfo> sessions) implements VgpuServer {
        Listing(List<VgpuStatus> vgpus) { this(vgpus, List.of()); }

        @Override public VgpuStatus grant(VgpuGrant g) { throw new UnsupportedOperationException(); }
        @Override public boolean revoke(String id) { throw new UnsupportedOperationException(); }
        @Override public VgpuStatus resize(String id, long m, int r) { throw new UnsupportedOperationException(); }
        @Override public Optional<VgpuStatus> vgpu(String id) { return Optional.empty(); }
        @Override public boolean closeSession(long id) { return false; }
    }

    @Test
    void shareAndHeldBackTimeComeFromTheGate() {
        VgpuGrant g = new VgpuGrant("v1", "GPU-1", 1024, 30, "");
        VgpuStatus gated = new VgpuStatus(g, 2L << 20, 1, false, 77, 10, 20, 30).withCompute("strict", 29.5, 1500, 4000);
        VgpuStatus ungated = new VgpuStatus(new VgpuGrant("v2", "GPU-1", 1024, 70, ""), 0, 0, false);
        NodeReport r = UsageReport.of(new Listing(List.of(gated, ungated)), null, Map.of());
        VgpuUsage u = r.vgpus().get(0);
        assertEquals(new VgpuUsage("v1", "", 2, 77, 60, 29.5, 1500), u);
        assertEquals(-1, r.vgpus().get(1).sharePercent(), "no gate: no share (the metric is left out)");
    }

    @Test
    void onlyAllocationsWithASessionAreLive() {
        VgpuStatus used = new VgpuStatus(new VgpuGrant("v1", "GPU-1", 1024, 30, ""), 0, 1, false);
        VgpuStatus idle = new VgpuStatus(new VgpuGrant("v2", "GPU-1", 1024, 30, ""), 0, 0, false);
        VgpuStatus waiting = new VgpuStatus(new VgpuGrant("v3", "GPU-2", 1024, 30, ""), 0, 1, false);
        VgpuStatus automatic = new VgpuStatus(new VgpuGrant("v4", "GPU-2", 1024, 30, ""), 0, 1, true);
        List<SessionInfo> sessions = List.of(
                session(1, SessionInfo.State.ATTACHED, "v1"),
                session(2, SessionInfo.State.DETACHED, "v3"),
                session(3, SessionInfo.State.ATTACHED, "v4"));
        NodeReport r = UsageReport.of(new Listing(List.of(used, idle, waiting, automatic), sessions), null,
                Map.of("v1", "alloc-1", "v2", "alloc-2", "v3", "alloc-3"));
        assertEquals(java.util.Set.of("alloc-1", "alloc-3"), java.util.Set.copyOf(r.liveAllocations()),
                "a session renews its allocation, one waiting to resume too; an idle grant does not, nor a vGPU of no allocation");
        assertEquals("7001@host-1", r.vgpus().get(0).process());
        assertEquals("", r.vgpus().get(1).process());

        NodeReport gone = UsageReport.of(new Listing(List.of(used, idle, waiting, automatic)), null,
                Map.of("v1", "alloc-1", "v2", "alloc-2", "v3", "alloc-3"));
        assertEquals(List.of(), gone.liveAllocations(), "no session left: nothing is renewed");
    }

    private static SessionInfo session(long id, SessionInfo.State state, String vgpu) {
        return new SessionInfo(id, 7000 + id, "host-" + id, "test", "", state, "tcp", "peer", java.time.Instant.EPOCH,
                List.of(new io.orion.api.server.SessionVgpu(vgpu, 0, 0, 0, 0, 0, 0, 0, 0)));
    }
}
