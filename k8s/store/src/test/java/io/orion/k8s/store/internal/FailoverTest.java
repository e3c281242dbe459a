package io.orion.k8s.store.internal;

import static io.orion.k8s.store.internal.StoreTestSupport.allocation;
import static io.orion.k8s.store.internal.StoreTestSupport.await;
import static io.orion.k8s.store.internal.StoreTestSupport.config;
import static io.orion.k8s.store.internal.StoreTestSupport.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.orion.api.store.StateChange;
import io.orion.api.store.StateStore;
import io.orion.api.store.StoreException;
import io.orion.k8s.client.KubeClient;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two controller replicas on one Lease, against the mock API server: one leads and alone has a
 * store service; when it dies the other takes over and loads every allocation the first one
 * made; a replica that stops cleanly hands over at once.
 */
class FailoverTest {
    private KubernetesMockServer api;
    private KubeClient kube;

    /** The store services a replica registered, and which of them are still registered. */
    private static final class Services implements KubeStoreComponent.Registrar {
        final List<StateStore> registered = new CopyOnWriteArrayList<>();
        final List<StateStore> live = new CopyOnWriteArrayList<>();

        @Override
        public KubeStoreComponent.Registration register(StateStore store) {
            registered.add(store);
            live.add(store);
            return () -> live.remove(store);
        }
    }

    @BeforeEach
    void start() {
        api = StoreTestSupport.apiServer();
        kube = StoreTestSupport.client(api);
    }

    @AfterEach
    void stop() {
        api.destroy();
    }

    private KubeStoreComponent replica(String identity, Services services) {
        return replica(identity, services, 2, 1);
    }

    private KubeStoreComponent replica(String identity, Services services, int leaseSeconds, int renewSeconds) {
        return new KubeStoreComponent(config(Map.of("identity", identity, "namespace", "orion", "leaseDurationSeconds", leaseSeconds,
                "renewDeadlineSeconds", renewSeconds, "retryPeriodSeconds", 1)), () -> kube, services);
    }

    private JsonNode lease() {
        return kube.get("/apis/coordination.k8s.io/v1/namespaces/orion/leases/orion-controller").orElseThrow();
    }

    @Test
    void aFollowerTakesOverWhenTheLeaderDiesAndLosesNoAllocation() throws Exception {
        Services a = new Services(), b = new Services();
        KubeStoreComponent first = replica("controller-a", a);
        await("a leads", Duration.ofSeconds(10), () -> a.live.size() == 1);
        KubeStoreComponent second = replica("controller-b", b);
        try {
            StateStore store = a.live.get(0);
            List<StateChange> made = new ArrayList<>();
            made.add(new StateChange.NodePut(node("gpu-1")));
            for (int i = 0; i < 20; i++) made.add(new StateChange.AllocationPut(allocation("alloc-" + i, "gpu-1")));
            for (StateChange c : made) store.append(List.of(c)).await();
            Thread.sleep(2500);
            assertTrue(b.registered.isEmpty(), "a follower has no store while the leader renews");
            assertEquals("controller-a", lease().at("/spec/holderIdentity").asText());

            first.crash(); // stops renewing, releases nothing: as a killed pod
            assertTrue(a.live.isEmpty(), "the dead replica's service is gone");
            StoreException fenced = assertThrows(StoreException.class,
                    () -> store.append(List.of(new StateChange.AllocationPut(allocation("late", "gpu-1")))).await());
            assertTrue(fenced.getMessage().contains("stopped leading"), fenced.getMessage());

            await("b takes over", Duration.ofSeconds(10), () -> b.live.size() == 1);
            assertEquals("controller-b", lease().at("/spec/holderIdentity").asText());
            assertEquals(1, lease().at("/spec/leaseTransitions").asInt());
            var state = b.live.get(0).load();
            assertEquals(1, state.nodes().size());
            assertEquals(20, state.allocations().size(), "no allocation lost");
            assertFalse(state.allocations().stream().anyMatch(r -> r.allocation().id().equals("late")));
        } finally {
            second.deactivate();
        }
    }

    @Test
    void aCleanStopHandsOverAtTheNextRound() throws Exception {
        Services a = new Services(), b = new Services();
        // a lease of 6 s: a takeover well before it can only come from the release
        KubeStoreComponent first = replica("controller-a", a, 6, 3);
        await("a leads", Duration.ofSeconds(10), () -> a.live.size() == 1);
        a.live.get(0).append(List.of(new StateChange.NodePut(node("gpu-1")))).await();
        KubeStoreComponent second = replica("controller-b", b, 6, 3);
        try {
            Thread.sleep(1200);
            first.deactivate();
            assertTrue(a.live.isEmpty());
            assertEquals("", lease().at("/spec/holderIdentity").asText(), "released");
            long t0 = System.nanoTime();
            await("b takes over", Duration.ofSeconds(10), () -> b.live.size() == 1);
            assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() < 4500,
                    "a released Lease is taken at the next round (1 s), not after the 6 s lease duration");
            assertEquals(1, b.live.get(0).load().nodes().size());
        } finally {
            second.deactivate();
        }
    }

    @Test
    void aRenewDeadlineNotBelowTheLeaseDurationIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KubeStoreComponent(
                config(Map.of("leaseDurationSeconds", 5, "renewDeadlineSeconds", 5)), () -> kube, new Services()));
        assertTrue(e.getMessage().contains("renew deadline 5 s must be less than the lease duration 5 s"), e.getMessage());
    }
}
