package io.orion.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import io.orion.api.backend.GpuBackend;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuDevice;
import io.orion.api.platform.PluginKind;
import io.orion.api.policy.SchedulingPolicy;
import io.orion.api.pool.Placement;
import io.orion.api.pool.PoolView;
import io.orion.api.pool.VgpuRequest;
import io.orion.api.transport.ConnectionAcceptor;
import io.orion.api.transport.Transport;

import org.junit.jupiter.api.Test;

class SelectionTest {

    private static long nextId = 1;

    static <T> PluginEntry<T> entry(PluginKind kind, String name, T service, int ranking) {
        return new PluginEntry<>(kind, name, service, nextId++, ranking, "bundle." + name, "1.0.0");
    }

    static SchedulingPolicy policy(String name) {
        return new SchedulingPolicy() {
            @Override public String name() { return name; }
            @Override public Placement place(VgpuRequest r, PoolView p) { return null; }
        };
    }

    static GpuBackend backend(String name, int devices) {
        return new GpuBackend() {
            @Override public String name() { return name; }
            @Override public List<GpuDevice> devices() {
                return java.util.stream.IntStream.range(0, devices)
                        .mapToObj(i -> new GpuDevice(i, "GPU-" + name + i, name, 1 << 30, 1, 9, 0, "", Map.of())).toList();
            }
            @Override public String status() { return "ok"; }
            @Override public GpuContext openContext(String uuid) { throw new UnsupportedOperationException(); }
        };
    }

    static Transport transport(String name) {
        return new Transport() {
            @Override public String name() { return name; }
            @Override public String open(ConnectionAcceptor a) { return name + "://"; }
            @Override public void close() {}
            @Override public String endpoint() { return ""; }
        };
    }

    static Selection.Settings settings(String policy, String backend, String... transports) {
        return new Selection.Settings(policy, "binpack", backend, new String[] {"cuda", "host"}, transports);
    }

    @Test
    void aCfgFilesCommaListIsSplitIntoNames() {
        assertEquals(List.of("tcp", "shm", "rdma"), List.of(Selection.Settings.trimAll(new String[] {"tcp, shm", " rdma ", ""})));
    }

    @Test
    void configuredPolicyElseFallbackElseNone() {
        PluginSet<SchedulingPolicy> policies = new PluginSet<>();
        PluginSet<GpuBackend> backends = new PluginSet<>();
        PluginSet<Transport> transports = new PluginSet<>();
        Selection none = Selection.of(settings("spread", "auto", "*"), policies, backends, transports);
        assertTrue(none.policy().isEmpty());
        policies.add(entry(PluginKind.POLICY, "binpack", policy("binpack"), 0));
        Selection fallback = Selection.of(settings("spread", "auto", "*"), policies, backends, transports);
        assertEquals("binpack", fallback.policy().orElseThrow().name());
        assertTrue(fallback.policyIsFallback());
        policies.add(entry(PluginKind.POLICY, "spread", policy("spread"), 0));
        Selection configured = Selection.of(settings("spread", "auto", "*"), policies, backends, transports);
        assertEquals("spread", configured.policy().orElseThrow().name());
        assertFalse(configured.policyIsFallback());
    }

    @Test
    void aNewerServiceOfTheSameNameWinsByRanking() {
        PluginSet<SchedulingPolicy> policies = new PluginSet<>();
        SchedulingPolicy v1 = policy("binpack"), v2 = policy("binpack");
        policies.add(entry(PluginKind.POLICY, "binpack", v1, 0));
        policies.add(entry(PluginKind.POLICY, "binpack", v2, 5));
        assertEquals(v2, policies.byName("binpack").orElseThrow().service());
        assertEquals(1, policies.distinct().size());
        assertTrue(policies.remove(v2));
        assertEquals(v1, policies.byName("binpack").orElseThrow().service());
    }

    @Test
    void autoBackendPrefersOneWithDevices() {
        PluginSet<GpuBackend> backends = new PluginSet<>();
        backends.add(entry(PluginKind.BACKEND, "cuda", backend("cuda", 0), 0));
        backends.add(entry(PluginKind.BACKEND, "host", backend("host", 1), 0));
        Selection s = Selection.of(settings("binpack", "auto", "*"), new PluginSet<>(), backends, new PluginSet<>());
        assertEquals("host", s.backend().orElseThrow().name(), "cuda without devices loses to host");
        backends.add(entry(PluginKind.BACKEND, "cuda", backend("cuda", 8), 10));
        assertEquals("cuda", Selection.of(settings("binpack", "auto", "*"), new PluginSet<>(), backends, new PluginSet<>())
                .backend().orElseThrow().name());
        assertEquals("host", Selection.of(settings("binpack", "host", "*"), new PluginSet<>(), backends, new PluginSet<>())
                .backend().orElseThrow().name(), "a named backend is taken as named");
    }

    @Test
    void transportsByNameOrAll() {
        PluginSet<Transport> transports = new PluginSet<>();
        transports.add(entry(PluginKind.TRANSPORT, "tcp", transport("tcp"), 0));
        transports.add(entry(PluginKind.TRANSPORT, "shm", transport("shm"), 0));
        assertEquals(List.of("shm", "tcp"), Selection.of(settings("x", "auto", "*"), new PluginSet<>(), new PluginSet<>(), transports)
                .transports().stream().map(PluginEntry::name).toList());
        assertEquals(List.of("tcp"), Selection.of(settings("x", "auto", "tcp", "rdma"), new PluginSet<>(), new PluginSet<>(), transports)
                .transports().stream().map(PluginEntry::name).toList());
    }
}
