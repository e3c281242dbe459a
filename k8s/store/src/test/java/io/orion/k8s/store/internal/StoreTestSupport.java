package io.orion.k8s.store.internal;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.orion.api.pool.Allocation;
import io.orion.api.pool.GpuSpec;
import io.orion.api.pool.NodeState;
import io.orion.api.pool.Vgpu;
import io.orion.api.pool.VgpuRequest;
import io.orion.api.store.AllocationRecord;
import io.orion.api.store.NodeRecord;
import io.orion.k8s.client.KubeClient;

/** The API server peer (fabric8's mock in CRUD mode), configurations and records for the store tests. */
final class StoreTestSupport {
    private StoreTestSupport() {}

    static KubernetesMockServer apiServer() {
        KubernetesMockServer api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        api.init();
        return api;
    }

    static KubeClient client(KubernetesMockServer api) {
        return KubeClient.of(URI.create(api.url("/")), "orion", null, null);
    }

    /** The configuration with its defaults, some values replaced. */
    static KubeStoreConfig config(Map<String, Object> values) {
        return (KubeStoreConfig) Proxy.newProxyInstance(KubeStoreConfig.class.getClassLoader(), new Class<?>[]{KubeStoreConfig.class},
                (p, m, a) -> values.containsKey(m.getName()) ? values.get(m.getName()) : m.getDefaultValue());
    }

    static NodeRecord node(String name) {
        return new NodeRecord(name, "10.0.0.1", Map.of("tcp", "10.0.0.1:9960"),
                List.of(new GpuSpec("GPU-" + name + "-0", "NVIDIA H200", 143_771, 132, 9, 0, 8)), NodeState.UP);
    }

    static AllocationRecord allocation(String id, String node) {
        Instant t = Instant.parse("2026-11-28T10:00:00.123456789Z");
        return new AllocationRecord(new Allocation(id, VgpuRequest.of(1, 4096, 50).withGroup("pod-uid-1"),
                List.of(new Vgpu("vgpu-" + id, id, 0, node, "GPU-" + node + "-0", 4096, 50, "pod-uid-1")), "pod default/x", t),
                t.plusSeconds(30));
    }

    static void await(String what, Duration timeout, BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            Thread.sleep(20);
        }
    }
}
