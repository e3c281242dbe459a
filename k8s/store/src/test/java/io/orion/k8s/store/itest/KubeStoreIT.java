package io.orion.k8s.store.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.orion.api.pool.AllocationResult;
import io.orion.api.pool.GpuSpec;
import io.orion.api.pool.PoolService;
import io.orion.api.pool.VgpuRequest;
import io.orion.api.store.StateStore;
import io.orion.testing.Await;
import io.orion.testing.Bundles;
import io.orion.testing.Configs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The controller on the Kubernetes store in a real framework: it runs while this replica leads,
 * stops when another replica holds the Lease, and comes back with every allocation when the
 * Lease is this replica's again.
 */
@ExtendWith(ServiceExtension.class)
class KubeStoreIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String LEASE = "/apis/coordination.k8s.io/v1/namespaces/orion/leases/orion-controller";

    @InjectService ConfigurationAdmin cm;

    private final BundleContext ctx = Bundles.framework(getClass());

    private <T> T service(Class<T> type, String filter) {
        try {
            return ctx.getServiceReferences(type, filter).stream().findFirst().map(ctx::getService).orElse(null);
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theControllerRunsOnlyWhileItsReplicaLeadsAndLosesNoAllocation() throws Exception {
        try (ApiServerDouble api = new ApiServerDouble()) {
            Configuration store = cm.getConfiguration("io.orion.k8s.store", "?");
            Hashtable<String, Object> p = new Hashtable<>(Map.of("apiServer", api.url(), "namespace", "orion",
                    "identity", "replica-a", "leaseDurationSeconds", 2, "renewDeadlineSeconds", 1, "retryPeriodSeconds", 1));
            store.update(p);
            Configs.set(cm, "io.orion.controller", "store.target", "(orion.store=kubernetes)");

            PoolService pool = Await.value("the pool on the Kubernetes store", WAIT, () -> service(PoolService.class, null));
            assertTrue(service(StateStore.class, "(orion.store=kubernetes)") != null);
            pool.registerNode("gpu-1", "10.0.0.1", Map.of("tcp", "10.0.0.1:9960"),
                    List.of(new GpuSpec("GPU-1", "NVIDIA H200", 143_771, 132, 9, 0, 8)));
            AllocationResult r = pool.allocate(VgpuRequest.of(2, 1, 10).withCrossNode(false).withGroup("g"), "it");
            assertInstanceOf(AllocationResult.Refused.class, r, "two vGPUs need two GPUs");
            var granted = assertInstanceOf(AllocationResult.Granted.class, pool.allocate(VgpuRequest.of(1, 4096, 50), "it"));
            String id = granted.allocation().id();
            assertEquals(2, api.count("/api/v1/namespaces/orion/configmaps/"), "the node and the allocation are stored: " + api.paths());

            // Another replica holds the Lease now: this one steps down and its controller stops.
            ObjectNode lease = api.get(LEASE);
            ObjectNode spec = (ObjectNode) lease.get("spec");
            spec.put("holderIdentity", "replica-b").put("renewTime", Instant.now().toString())
                    .put("leaseTransitions", spec.path("leaseTransitions").asInt() + 1);
            api.put(LEASE, lease);
            Await.until("the controller to stop on the follower", WAIT, () -> service(PoolService.class, null) == null);
            assertEquals(null, service(StateStore.class, "(orion.store=kubernetes)"));

            // replica-b stops renewing: after the lease duration this replica leads again, with the allocation.
            PoolService again = Await.value("the pool back on the leader", WAIT, () -> service(PoolService.class, null));
            assertTrue(again.allocations().stream().anyMatch(a -> a.id().equals(id)), "the allocation survived the change of leader");
            assertEquals("replica-a", api.get(LEASE).path("spec").path("holderIdentity").asText());
            assertEquals(2, api.get(LEASE).path("spec").path("leaseTransitions").asInt());
        } finally {
            Configs.reset(cm, "io.orion.controller");
            Configs.reset(cm, "io.orion.k8s.store");
        }
    }
}
