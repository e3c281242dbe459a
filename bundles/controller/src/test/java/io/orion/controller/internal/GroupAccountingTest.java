package io.orion.controller.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.orion.api.policy.SchedulingPolicy;
import io.orion.api.pool.Allocation;
import io.orion.api.pool.AllocationResult;
import io.orion.api.pool.GpuView;
import io.orion.api.pool.Placement;
import io.orion.api.pool.PoolEvent;
import io.orion.api.pool.PoolView;
import io.orion.api.pool.Slot;
import io.orion.api.pool.Vgpu;
import io.orion.api.pool.VgpuRequest;
import io.orion.policy.spread.internal.SpreadPolicy;
import io.orion.policy.testkit.GpuModels;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The processes of a pod (one {@code ORION_GROUP_ID}) each allocate a vGPU of their own; the pool
 * places them beside each other and books the group once per GPU: its largest vGPU there.
 * The spread policy is used on purpose: left to itself it puts each process on another GPU.
 */
class GroupAccountingTest {

    private final ControllerPoolTest.TestClock clock = new ControllerPoolTest.TestClock();
    private final MemoryStore store = new MemoryStore();
    private final ControllerPoolTest.FixedPlatform platform = new ControllerPoolTest.FixedPlatform(new SpreadPolicy());
    private ControllerPool pool;

    private ControllerPool newPool() {
        return new ControllerPool(platform, store, ControllerPoolTest.config(30, 5, 3), clock, false);
    }

    @BeforeEach
    void setUp() {
        pool = newPool();
        pool.registerNode("n1", "", Map.of(), List.of(GpuModels.h200("GPU-1"), GpuModels.h200("GPU-2")));
        pool.registerNode("n2", "", Map.of(), List.of(GpuModels.h200("GPU-3")));
    }

    private Allocation granted(VgpuRequest r) {
        return assertInstanceOf(AllocationResult.Granted.class, pool.allocate(r, "pid")).allocation();
    }

    private static VgpuRequest process(String group, int ratio, long memoryMiB) {
        return VgpuRequest.of(1, memoryMiB, ratio).withGroup(group);
    }

    private static List<String> gpusOf(Allocation a) {
        return a.vgpus().stream().map(Vgpu::gpuUuid).toList();
    }

    private List<String> fallbacks() {
        return pool.events(100).stream().filter(e -> e.kind() == PoolEvent.Kind.GROUP_FALLBACK).map(PoolEvent::message).toList();
    }

    private static GpuView gpu(ControllerPool p, String uuid) {
        return p.snapshot().gpus().filter(g -> g.uuid().equals(uuid)).findFirst().orElseThrow();
    }

    private static void assertBooked(ControllerPool p, String uuid, long memoryMiB, int ratio, int vgpus) {
        GpuView g = gpu(p, uuid);
        assertEquals(memoryMiB + " MiB / " + ratio + "% / " + vgpus + " vGPUs",
                g.usedMemoryMiB() + " MiB / " + g.usedRatio() + "% / " + g.vgpuCount() + " vGPUs", "booked on " + uuid);
    }

    /** From now on the policy answers exactly this GPU, as a tenant that is not of the group. */
    private void policyPicks(String node, String uuid) {
        platform.policy = new SchedulingPolicy() {
            @Override public String name() { return "pick " + uuid; }
            @Override public Placement place(VgpuRequest request, PoolView p) { return Placement.placed(List.of(new Slot(node, uuid))); }
        };
    }

    @Test
    void aPodOfThreeProcessesFitsOneGpuIsCountedOnceAndLeavesTheRestToOthers() {
        List<Allocation> pod = new ArrayList<>();
        for (int i = 0; i < 3; i++) pod.add(granted(process("pod-a", 60, 8192)));
        String home = gpusOf(pod.get(0)).get(0);
        assertTrue(pod.stream().allMatch(a -> gpusOf(a).equals(List.of(home))), "all beside the first: " + pod);
        assertBooked(pool, home, 8192, 60, 3);
        assertEquals(0, pool.snapshot().gpus().filter(g -> !g.uuid().equals(home)).mapToInt(GpuView::usedRatio).sum());
        assertTrue(fallbacks().isEmpty(), fallbacks().toString());

        policyPicks(gpu(pool, home).node(), home);
        granted(VgpuRequest.of(1, 8192, 40)); // another tenant gets the remaining 40 %
        assertBooked(pool, home, 16_384, 100, 4);
        var full = assertInstanceOf(AllocationResult.Refused.class, pool.allocate(VgpuRequest.of(1, 1024, 1), "late"));
        assertTrue(full.noFit().message().contains("invalid placement"), full.noFit().message());
        // a fourth process of the pod at the group's size costs nothing more
        granted(process("pod-a", 60, 8192));
        assertBooked(pool, home, 16_384, 100, 5);
        // one asking more than the group has would grow it past the GPU: it falls back, the policy's answer is refused
        assertInstanceOf(AllocationResult.Refused.class, pool.allocate(process("pod-a", 70, 8192), "greedy"));
        assertEquals(1, fallbacks().size(), fallbacks().toString());
        assertTrue(fallbacks().get(0).contains(home + " has no room for 0 MiB / 10% more"), fallbacks().get(0));
        assertTrue(fallbacks().get(0).contains("which refused it"), fallbacks().get(0));
    }

    @Test
    void releasingSomeProcessesFreesOnlyWhatTheRestNoLongerNeed() {
        Allocation big = granted(process("pod-a", 60, 8192));
        String home = gpusOf(big).get(0);
        Allocation wide = granted(process("pod-a", 30, 16_384));
        Allocation third = granted(process("pod-a", 60, 4096));
        assertEquals(List.of(home), gpusOf(wide));
        assertBooked(pool, home, 16_384, 60, 3);

        pool.release(big.id());
        assertBooked(pool, home, 16_384, 60, 2); // the third still needs 60 %
        pool.release(third.id());
        assertBooked(pool, home, 16_384, 30, 1);
        pool.release(wide.id());
        assertBooked(pool, home, 0, 0, 0);
        assertTrue(fallbacks().isEmpty(), fallbacks().toString());
    }

    @Test
    void resizingAProcessBooksTheGroupsLargest() {
        Vgpu a = granted(process("pod-a", 60, 8192)).vgpus().get(0);
        Vgpu b = granted(process("pod-a", 60, 8192)).vgpus().get(0);
        String home = a.gpuUuid();
        pool.resize(a.id(), 8192, 30);
        assertBooked(pool, home, 8192, 60, 2); // b still holds 60
        pool.resize(b.id(), 8192, 30);
        assertBooked(pool, home, 8192, 30, 2);
        pool.resize(b.id(), 20_000, 90);
        assertBooked(pool, home, 20_000, 90, 2);

        policyPicks(a.node(), home);
        Allocation other = granted(VgpuRequest.of(1, 8192, 10));
        assertBooked(pool, home, 28_192, 100, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pool.resize(a.id(), 8192, 91));
        assertTrue(e.getMessage().contains("at most 90% available to this vGPU"), e.getMessage());
        pool.resize(a.id(), 8192, 90); // as large as b: the group's booking does not move
        assertBooked(pool, home, 28_192, 100, 3);
        pool.release(other.id());
        assertBooked(pool, home, 20_000, 90, 2);
    }

    @Test
    void aMultiGpuGroupIsJoinedGpuByGpuInItsOrder() {
        Allocation first = granted(VgpuRequest.of(2, 4096, 25).withGroup("pod-b"));
        List<String> order = gpusOf(first);
        Allocation second = granted(VgpuRequest.of(2, 4096, 25).withGroup("pod-b"));
        assertEquals(order, gpusOf(second), "the same GPUs, in the same order");
        Allocation one = granted(process("pod-b", 25, 4096));
        assertEquals(order.subList(0, 1), gpusOf(one), "a smaller count takes the group's first GPUs");
        for (String uuid : order) assertBooked(pool, uuid, 4096, 25, uuid.equals(order.get(0)) ? 3 : 2);
        assertTrue(fallbacks().isEmpty(), fallbacks().toString());

        // more vGPUs than the group has GPUs: the policy places the whole request, and says so
        Allocation wider = granted(new VgpuRequest(3, 4096, 25, "pod-b", true, ""));
        assertEquals(3, wider.vgpus().size());
        assertEquals(1, fallbacks().size(), fallbacks().toString());
        assertTrue(fallbacks().get(0).contains("asks 3 vGPUs and the group holds vGPUs on only 2 GPU(s)"), fallbacks().get(0));
    }

    @Test
    void aGroupWhoseGpuIsDrainingGoneOrDownFallsBackToThePolicy() {
        Allocation first = granted(process("pod-c", 60, 8192));
        String home = first.vgpus().get(0).gpuUuid();
        String node = first.vgpus().get(0).node();
        pool.setDraining(node, true);
        Allocation elsewhere = granted(process("pod-c", 60, 8192));
        assertTrue(!gpusOf(elsewhere).contains(home) && !elsewhere.vgpus().get(0).node().equals(node), elsewhere.toString());
        assertEquals(1, fallbacks().size(), fallbacks().toString());
        assertTrue(fallbacks().get(0).contains("is on node " + node + ", which is draining"), fallbacks().get(0));
        assertBooked(pool, home, 8192, 60, 1);
        // the group is now on two GPUs; the drained one is its first, so the next process falls back again
        pool.setDraining(node, false);
        assertEquals(List.of(home), gpusOf(granted(process("pod-c", 60, 8192))), "undrained: back beside the oldest");

        // the node comes back with the group's GPU missing: that GPU is gone
        pool.registerNode(node, "", Map.of(), List.of(GpuModels.h200(node.equals("n1") ? "GPU-X" : "GPU-Y")));
        granted(process("pod-c", 60, 8192));
        assertTrue(fallbacks().get(fallbacks().size() - 1).contains("the group's GPU " + home + " is no longer in the pool"),
                fallbacks().toString());
    }

    @Test
    void aGroupWhoseNodeWentDownHasLostItsVgpusThereAndIsPlacedAnew() {
        Allocation first = granted(process("pod-d", 60, 8192));
        String node = first.vgpus().get(0).node();
        String other = node.equals("n1") ? "n2" : "n1";
        for (int t = 0; t < 20; t += 5) { // only the other node keeps beating
            clock.advance(5);
            pool.heartbeat(other, io.orion.api.pool.NodeReport.empty());
        }
        pool.checkLeasesAndLiveness();
        assertTrue(pool.allocation(first.id()).isEmpty(), "lost with its node");
        Allocation again = granted(process("pod-d", 60, 8192));
        assertEquals(other, again.vgpus().get(0).node());
        assertTrue(fallbacks().isEmpty(), "nothing of the group is left to join: " + fallbacks());
    }

    @Test
    void aRestartKeepsTheGroupsBookingsAndOrder() {
        Allocation wide = granted(VgpuRequest.of(2, 8192, 60).withGroup("pod-e"));
        Allocation narrow = granted(process("pod-e", 60, 4096));
        pool.resize(narrow.vgpus().get(0).id(), 4096, 50);
        List<String> order = gpusOf(wide);

        ControllerPool restarted = newPool();
        for (String uuid : order) assertBooked(restarted, uuid, 8192, 60, uuid.equals(order.get(0)) ? 2 : 1);
        pool = restarted;
        assertEquals(order.subList(0, 1), gpusOf(granted(process("pod-e", 60, 8192))), "joins its group after the restart");
        pool.release(wide.id());
        assertBooked(pool, order.get(0), 8192, 60, 2);
        assertBooked(pool, order.get(1), 0, 0, 0);
        ControllerPool again = newPool();
        assertBooked(again, order.get(0), 8192, 60, 2);
    }

    @Test
    void processesOfOnePodAskingAtOnceMeetOnOneGpu() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<AllocationResult>> asks = new ArrayList<>();
            for (int i = 0; i < 8; i++) asks.add(threads.submit(() -> pool.allocate(process("pod-f", 60, 8192), "pid")));
            List<String> gpus = new ArrayList<>();
            for (Future<AllocationResult> f : asks)
                gpus.add(assertInstanceOf(AllocationResult.Granted.class, f.get()).allocation().vgpus().get(0).gpuUuid());
            assertEquals(1, gpus.stream().distinct().count(), gpus.toString());
            assertBooked(pool, gpus.get(0), 8192, 60, 8);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aDryRunPlacesBesideTheGroupToo() {
        Allocation first = granted(process("pod-g", 60, 8192));
        Placement p = pool.place(process("pod-g", 60, 8192));
        assertEquals(gpusOf(first), assertInstanceOf(Placement.Placed.class, p).slots().stream().map(Slot::gpuUuid).toList());
    }
}
