package io.orion.agent.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.orion.api.backend.GpuBackend;
import io.orion.api.backend.GpuDevice;
import io.orion.api.pool.GpuUsage;
import io.orion.api.pool.NodeReport;
import io.orion.api.pool.VgpuUsage;
import io.orion.api.server.SessionInfo;
import io.orion.api.server.SessionVgpu;
import io.orion.api.server.VgpuServer;
import io.orion.api.server.VgpuStatus;

/** Builds a heartbeat from the server's sessions and the backend's telemetry. */
final class UsageReport {
    private UsageReport() {}

    /**
     * @param allocationOf which allocation each granted vGPU belongs to (vGPU id → allocation id),
     *                     to renew the leases of allocations whose client is connected
     */
    static NodeReport of(VgpuServer server, GpuBackend backend, Map<String, String> allocationOf) {
        List<GpuUsage> gpus = new ArrayList<>();
        if (backend != null) {
            for (GpuDevice d : backend.devices()) {
                backend.telemetry(d.uuid()).ifPresent(t -> gpus.add(new GpuUsage(d.uuid(), t.gpuUtilPercent(),
                        t.memoryUtilPercent(), t.memoryUsedBytes() < 0 ? -1 : t.memoryUsedBytes() >> 20, t.temperatureC(), t.powerWatts())));
            }
        }
        Map<String, String> process = new HashMap<>();
        Set<String> live = new HashSet<>();
        for (SessionInfo s : server.sessions()) {
            for (SessionVgpu v : s.vgpus()) {
                process.merge(v.vgpuId(), s.pid() + "@" + s.host(), (a, b) -> a + "," + b);
                String alloc = allocationOf.get(v.vgpuId());
                if (alloc != null) live.add(alloc);
            }
        }
        // the grant's own counters: they only grow, also across the sessions that come and go
        List<VgpuUsage> vgpus = new ArrayList<>();
        for (VgpuStatus st : server.vgpus()) {
            String id = st.grant().id();
            vgpus.add(new VgpuUsage(id, process.getOrDefault(id, ""), st.memoryUsedBytes() >> 20, st.launches(),
                    st.bytesToDevice() + st.bytesFromDevice() + st.bytesOnDevice(), st.sharePercent(), st.heldBackMillis()));
        }
        return new NodeReport(gpus, vgpus, List.copyOf(live));
    }
}
