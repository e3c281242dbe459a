package io.orion.portal.internal;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.orion.api.pool.GpuSpec;
import io.orion.api.pool.GpuView;
import io.orion.api.pool.NodeReport;
import io.orion.api.pool.NodeState;
import io.orion.api.pool.NodeStatus;
import io.orion.api.pool.NodeView;
import io.orion.api.pool.PoolService;
import io.orion.api.pool.PoolView;
import io.orion.api.pool.Vgpu;

/**
 * The parts of a pool the history reads (snapshot, node status, vGPUs, heartbeat interval), set
 * by the test; any other call fails, so a test notices if the history starts using more.
 */
final class FakePool {
    final Map<String, List<String>> nodes = new HashMap<>();
    final Map<String, NodeStatus> status = new HashMap<>();
    final List<Vgpu> vgpus = new ArrayList<>();

    void node(String name, String... gpus) {
        nodes.put(name, List.of(gpus));
    }

    void beat(String node, Instant when, NodeReport report) {
        status.put(node, new NodeStatus(node, when, report));
    }

    PoolService service() {
        return (PoolService) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {PoolService.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "snapshot" -> snapshot();
                    case "nodeStatus" -> Optional.ofNullable(status.get((String) args[0]));
                    case "vgpus" -> List.copyOf(vgpus);
                    case "heartbeatInterval" -> Duration.ofSeconds(5);
                    case "toString" -> "FakePool";
                    default -> throw new UnsupportedOperationException("the history should not call " + method.getName());
                });
    }

    private PoolView snapshot() {
        List<NodeView> views = new ArrayList<>();
        nodes.keySet().stream().sorted().forEach(name -> {
            List<GpuView> gpus = new ArrayList<>();
            List<String> uuids = nodes.get(name);
            for (int i = 0; i < uuids.size(); i++)
                gpus.add(new GpuView(new GpuSpec(uuids.get(i), "Test GPU", 16384, 10, 8, 0, 4), name, i, 0, 0, 0));
            views.add(new NodeView(name, "10.0.0.1", Map.of(), NodeState.UP, gpus));
        });
        return PoolView.of(1, views);
    }
}
