package io.orion.core.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.orion.api.platform.Platform;
import io.orion.api.pool.AllocationResult;
import io.orion.api.pool.GpuSpec;
import io.orion.api.pool.Placement;
import io.orion.api.pool.PoolService;
import io.orion.api.pool.VgpuRequest;
import io.orion.api.policy.SchedulingPolicy;
import io.orion.testing.Await;
import io.orion.testing.Bundles;
import io.orion.testing.Configs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * Hot swap of the scheduling policy under load: while a caller asks for placements as fast as it
 * can, a new policy bundle is installed, selected through Configuration Admin, and the old bundle
 * uninstalled. No request may fail, and placements made after the switch follow the new policy.
 */
@ExtendWith(ServiceExtension.class)
class PolicyHotSwapIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @InjectService Platform platform;
    @InjectService ConfigurationAdmin cm;
    private PoolService pool;

    private BundleContext framework;
    private String binpackLocation;

    @BeforeEach
    void pool() throws Exception {
        framework = Bundles.framework(getClass());
        pool = io.orion.testing.Controller.inMemory(framework, cm);
        binpackLocation = Bundles.find(framework, "io.orion.policy.binpack").orElseThrow().getLocation();
        // Node a's GPU already carries a vGPU; node b's is empty. Binpack adds to a, spread picks b.
        pool.registerNode("a", "10.0.0.1", Map.of("tcp", "tcp://a:9960"), List.of(new GpuSpec("GPU-a", "NVIDIA H200", 143771, 132, 9, 0, 16)));
        pool.registerNode("b", "10.0.0.2", Map.of("tcp", "tcp://b:9960"), List.of(new GpuSpec("GPU-b", "NVIDIA H200", 143771, 132, 9, 0, 16)));
        Await.until("binpack to be the active policy", WAIT, () -> activeName().equals("binpack"));
        AllocationResult first = pool.allocate(VgpuRequest.of(1, 20_000, 20), "warm-up");
        assertTrue(first instanceof AllocationResult.Granted g && g.allocation().vgpus().get(0).node().equals("a"), first.toString());
    }

    @AfterEach
    void restore() throws Exception {
        if (Bundles.find(framework, "io.orion.policy.binpack").isEmpty()) Bundles.reinstall(framework, binpackLocation);
        Configs.reset(cm, "io.orion.core");
        Await.until("binpack to be active again", WAIT, () -> activeName().equals("binpack"));
        Bundles.find(framework, "io.orion.policy.spread").ifPresent(b -> {
            try {
                Bundles.uninstall(framework, b);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        pool.allocations().forEach(a -> pool.release(a.id()));
        pool.removeNode("a");
        pool.removeNode("b");
    }

    private String activeName() {
        return platform.activePolicy().map(SchedulingPolicy::name).orElse("");
    }

    /** One placement the caller made: when it started, and where it went. */
    private record Done(long startedNanos, String node) {}

    @Test
    void swapUnderLoadFailsNoRequest() throws Exception {
        VgpuRequest request = VgpuRequest.of(1, 1000, 10);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger failures = new AtomicInteger();
        AtomicLong count = new AtomicLong();
        ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        Thread caller = Thread.ofPlatform().name("placement-caller").start(() -> {
            while (!stop.get()) {
                long t = System.nanoTime();
                try {
                    Placement p = pool.place(request);
                    if (p instanceof Placement.Placed placed) {
                        done.add(new Done(t, placed.slots().get(0).node()));
                    } else {
                        failures.incrementAndGet();
                        problems.add(((Placement.NoFit) p).message());
                    }
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                    problems.add(e.toString());
                }
                count.incrementAndGet();
            }
        });

        Await.until("2 000 placements before the swap", WAIT, () -> count.get() >= 2_000);
        long beforeInstall = System.nanoTime();

        Bundle spread = Bundles.installAndStart(framework, Path.of(framework.getProperty("orion.itest.bundles"), "spread.jar"));
        Await.until("spread to be installed", WAIT, () -> platform.plugins(io.orion.api.platform.PluginKind.POLICY)
                .stream().anyMatch(i -> i.name().equals("spread")));
        Configs.set(cm, "io.orion.core", "policy", "spread");
        Await.until("spread to be the active policy", WAIT, () -> activeName().equals("spread"));
        long switched = System.nanoTime();

        Bundle binpack = Bundles.find(framework, "io.orion.policy.binpack").orElseThrow();
        Bundles.uninstall(framework, binpack);
        long afterUninstall = count.get();

        Await.until("10 000 placements, 2 000 of them after the old policy left", WAIT,
                () -> count.get() >= 10_000 && count.get() - afterUninstall >= 2_000);
        stop.set(true);
        caller.join();

        assertEquals(0, failures.get(), "failed placements: " + problems.stream().limit(5).toList());
        List<Done> all = List.copyOf(done);
        assertTrue(all.size() >= 10_000, "placements made: " + all.size());
        assertTrue(all.stream().filter(d -> d.startedNanos() < beforeInstall).allMatch(d -> d.node().equals("a")),
                "before the swap, binpack fills the used GPU on node a");
        List<Done> after = all.stream().filter(d -> d.startedNanos() > switched).toList();
        assertTrue(after.size() >= 2_000, "placements after the switch: " + after.size());
        assertTrue(after.stream().allMatch(d -> d.node().equals("b")), "after the switch, spread picks the empty GPU on node b");
        assertTrue(spread.getState() == Bundle.ACTIVE);
    }
}
