package io.orion.k8s.store.internal;

import static io.orion.k8s.store.internal.StoreTestSupport.allocation;
import static io.orion.k8s.store.internal.StoreTestSupport.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.orion.api.pool.NodeState;
import io.orion.api.store.StateChange;
import io.orion.api.store.StateReplay;
import io.orion.api.store.StoreException;
import io.orion.api.store.StoredState;
import io.orion.k8s.client.KubeClient;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store against the mock API server: what one replica writes, the next one loads. */
class KubeStateStoreTest {
    private KubernetesMockServer api;
    private KubeClient kube;

    @BeforeEach
    void start() {
        api = StoreTestSupport.apiServer();
        kube = StoreTestSupport.client(api);
    }

    @AfterEach
    void stop() {
        api.destroy();
    }

    @Test
    void everyKindOfChangeSurvivesIntoTheNextStore() {
        List<StateChange> changes = List.of(
                new StateChange.NodePut(node("a")), new StateChange.NodePut(node("b")),
                new StateChange.AllocationPut(allocation("alloc-1", "a")), new StateChange.AllocationPut(allocation("alloc-2", "b")),
                new StateChange.NodeStateChanged("a", NodeState.DRAINING),
                new StateChange.AllocationRemoved("alloc-2", Instant.now(), "released"),
                new StateChange.NodeRemoved("b"),
                new StateChange.AllocationPut(allocation("Alloc_3/odd id", "a")));
        StoredState expected = new StateReplay(StoredState.empty()).applyAll(changes).state();
        try (KubeStateStore store = new KubeStateStore(kube, "orion", "orion", () -> true, e -> { })) {
            // one change per append, then all at once: both paths queue and coalesce
            for (StateChange c : changes.subList(0, 4)) store.append(List.of(c)).await();
            store.append(changes.subList(4, changes.size())).await();
        }
        try (KubeStateStore next = new KubeStateStore(kube, "orion", "orion", () -> true, e -> { })) {
            StoredState loaded = next.load();
            assertEquals(sorted(expected), sorted(loaded));
            assertEquals(NodeState.DRAINING, loaded.nodes().get(0).state());
        }
        assertEquals(3, kube.list("/api/v1/namespaces/orion/configmaps", "orion.io/store=orion").size(), "node a and two allocations: removed records leave no object");
        try (KubeStateStore other = new KubeStateStore(kube, "orion", "other", () -> true, e -> { })) {
            assertEquals(StoredState.empty(), other.load(), "stores of other names are apart");
        }
    }

    private static StoredState sorted(StoredState s) {
        return new StoredState(s.nodes().stream().sorted((x, y) -> x.name().compareTo(y.name())).toList(),
                s.allocations().stream().sorted((x, y) -> x.allocation().id().compareTo(y.allocation().id())).toList());
    }

    @Test
    void aReplicaThatNoLongerLeadsWritesNothing() {
        AtomicBoolean leading = new AtomicBoolean(true);
        AtomicReference<StoreException> failed = new AtomicReference<>();
        try (KubeStateStore store = new KubeStateStore(kube, "orion", "orion", leading::get, failed::set)) {
            store.append(List.of(new StateChange.NodePut(node("a")))).await();
            leading.set(false);
            var pending = store.append(List.of(new StateChange.AllocationPut(allocation("alloc-9", "a"))));
            StoreException e = assertThrows(StoreException.class, pending::await);
            assertTrue(e.getMessage().contains("no longer holds the leader Lease"), e.getMessage());
            assertTrue(failed.get() != null, "the replica hears of it (and steps down)");
            StoreException refused = assertThrows(StoreException.class, () -> store.append(List.of(new StateChange.NodeRemoved("a"))));
            assertTrue(refused.getMessage().contains("refuses writes since an earlier failure"), refused.getMessage());
        }
        try (KubeStateStore next = new KubeStateStore(kube, "orion", "orion", () -> true, e -> { })) {
            assertEquals(1, next.load().nodes().size());
            assertEquals(0, next.load().allocations().size(), "the fenced write never reached the API server");
        }
    }

    @Test
    void aCorruptRecordIsNamed() {
        try (KubeStateStore store = new KubeStateStore(kube, "orion", "orion", () -> true, e -> { })) {
            store.append(List.of(new StateChange.NodePut(node("a")))).await();
        }
        String name = new ObjectNames("orion").node("a");
        var cm = kube.get("/api/v1/namespaces/orion/configmaps/" + name).orElseThrow();
        ((com.fasterxml.jackson.databind.node.ObjectNode) cm.get("data")).put("record", "{\"name\":");
        kube.replace("/api/v1/namespaces/orion/configmaps/" + name, cm);
        StoreException e = assertThrows(StoreException.class, () -> new KubeStateStore(kube, "orion", "orion", () -> true, x -> { }));
        assertTrue(e.getMessage().startsWith("ConfigMap orion/" + name + " does not hold a valid NodeRecord"), e.getMessage());
    }

    @Test
    void objectNamesAreValidAndDistinct() {
        ObjectNames n = new ObjectNames("orion");
        String a = n.allocation("Alloc_3/odd id"), b = n.allocation("alloc-3-odd-id");
        assertTrue(a.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?") && a.length() <= 253, a);
        assertNotEquals(a, b, "keys that clean to the same text still get distinct names");
        assertTrue(n.node("x".repeat(400)).length() <= 253);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ObjectNames("Orion_Store"));
        assertTrue(e.getMessage().contains("'Orion_Store'"), e.getMessage());
    }
}
