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

/** The heartbeat carries the compute gate's figures per vGPU as the server reports them. */
class UsageReportTest {

    /** A server that only lists vGPUs. */
    private record Listing(List<VgpuStatus> vgpus) implements VgpuServer {
        @Override public VgpuStatus grant(VgpuGrant g) { throw new UnsupportedOperationException(); }
        @Override public boolean revoke(String id) { throw new UnsupportedOperationException(); }
        @Override public VgpuStatus resize(String id, long m, int r) { throw new UnsupportedOperationException(); }
        @Override public Optional<VgpuStatus> vgpu(String id) { return Optional.empty(); }
        @Override public List<SessionInfo> sessions() { return List.of(); }
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
}
