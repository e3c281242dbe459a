package io.orion.policy.testkit;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.orion.api.policy.SchedulingPolicy;
import io.orion.api.pool.NoFitReason;
import io.orion.api.pool.Placement;
import io.orion.api.pool.PoolView;
import io.orion.api.pool.Slot;
import io.orion.api.pool.VgpuRequest;

/**
 * The SPI contract every scheduling policy must keep, as one call for a policy's own tests:
 * {@code PolicyContract.verify(new MyPolicy());}. Each check throws an {@link AssertionError}
 * that says which rule broke and on what request.
 */
public final class PolicyContract {
    private PolicyContract() {}

    public static void verify(SchedulingPolicy policy) {
        placesOnDistinctGpusOfOneNode(policy);
        crossesNodesOnlyWhenAllowed(policy);
        keepsTheNodePin(policy);
        avoidsDrainingAndDownNodes(policy);
        neverOvercommits(policy);
        givesTheRightReasons(policy);
        isStatelessAcrossThreads(policy);
    }

    static void placesOnDistinctGpusOfOneNode(SchedulingPolicy p) {
        PolicyHarness h = new PolicyHarness(p, RealisticPools.dgxCluster(3));
        List<Slot> slots = h.place(VgpuRequest.of(4, 10_000, 25)).granted().slots();
        check(slots.stream().map(Slot::node).distinct().count() == 1, p, "4 vGPUs without cross-node went to several nodes: " + slots);
    }

    static void crossesNodesOnlyWhenAllowed(SchedulingPolicy p) {
        PoolView twoByTwo = new PoolBuilder().node("a", 2, GpuModels::t4).node("b", 2, GpuModels::t4).build();
        PolicyHarness h = new PolicyHarness(p, twoByTwo);
        check(h.place(VgpuRequest.of(3, 1000, 10)).refused().reason() == NoFitReason.NOT_ENOUGH_GPUS_ON_ONE_NODE, p,
                "3 vGPUs on 2-GPU nodes without cross-node must be refused as NOT_ENOUGH_GPUS_ON_ONE_NODE");
        List<Slot> slots = h.place(VgpuRequest.of(3, 1000, 10).withCrossNode(true)).granted().slots();
        check(slots.stream().map(Slot::node).distinct().count() == 2, p, "cross-node request should span both nodes: " + slots);
    }

    static void keepsTheNodePin(SchedulingPolicy p) {
        PolicyHarness h = new PolicyHarness(p, RealisticPools.mixedDataCentre());
        List<Slot> slots = h.place(VgpuRequest.of(1, 1000, 10).onNode("t4-3")).granted().slots();
        check(slots.get(0).node().equals("t4-3"), p, "request pinned to t4-3 went to " + slots);
        check(h.place(VgpuRequest.of(1, 1000, 10).onNode("nowhere")).refused().reason() == NoFitReason.NODE_UNAVAILABLE, p,
                "a pin to an unknown node must be refused as NODE_UNAVAILABLE");
    }

    static void avoidsDrainingAndDownNodes(SchedulingPolicy p) {
        PoolView pool = new PoolBuilder().node("draining", 8, GpuModels::h200).node("down", 8, GpuModels::h200)
                .node("up", 1, GpuModels::t4).drain("draining").down("down").build();
        PolicyHarness h = new PolicyHarness(p, pool);
        for (int i = 0; i < 8; i++) {
            Placement pl = h.place(VgpuRequest.of(1, 1000, 10)).placement();
            if (pl instanceof Placement.Placed placed)
                check(placed.slots().get(0).node().equals("up"), p, "placed on a node that is not up: " + placed.slots());
        }
    }

    static void neverOvercommits(SchedulingPolicy p) {
        // The harness checks every answer against the pool; fill a fragmented pool to the brim.
        PolicyHarness h = new PolicyHarness(p, RealisticPools.fragmented(42));
        Random r = new Random(7);
        for (int i = 0; i < 2000; i++) {
            h.place(new VgpuRequest(1 + r.nextInt(3), 512L * (1 + r.nextInt(40)), 5 * (1 + r.nextInt(10)), "", r.nextBoolean(), ""));
        }
        check(h.grantedCount() > 0, p, "placed nothing in a pool with free capacity");
    }

    static void givesTheRightReasons(SchedulingPolicy p) {
        PolicyHarness h = new PolicyHarness(p, RealisticPools.mixedDataCentre());
        expect(p, h, VgpuRequest.of(1, 200_000, 10), NoFitReason.MEMORY_LARGER_THAN_ANY_GPU);
        expect(p, h, VgpuRequest.of(9, 1000, 10), NoFitReason.NOT_ENOUGH_GPUS_ON_ONE_NODE);
        PolicyHarness small = new PolicyHarness(p, new PoolBuilder().node("a", 2, GpuModels::t4).node("b", 2, GpuModels::t4).build());
        expect(p, small, VgpuRequest.of(5, 1000, 10).withCrossNode(true), NoFitReason.NOT_ENOUGH_GPUS);
        PolicyHarness empty = new PolicyHarness(p, new PoolBuilder().build());
        expect(p, empty, VgpuRequest.of(1, 1000, 10), NoFitReason.NO_NODES);
        // Take every T4's whole ratio, then ask for a T4-sized vGPU that also needs ratio.
        PolicyHarness ratio = new PolicyHarness(p, new PoolBuilder().node("t4", 1, GpuModels::t4).used(0, 1000, 100, 1).build());
        expect(p, ratio, VgpuRequest.of(1, 1000, 10), NoFitReason.RATIO_UNAVAILABLE);
        PolicyHarness full = new PolicyHarness(p, new PoolBuilder().node("t4", 1, GpuModels::t4).used(0, 15_000, 50, 1).build());
        expect(p, full, VgpuRequest.of(1, 1000, 10), NoFitReason.POOL_EXHAUSTED);
    }

    private static void expect(SchedulingPolicy p, PolicyHarness h, VgpuRequest r, NoFitReason reason) {
        NoFitReason got = h.place(r).refused().reason();
        check(got == reason, p, "for " + r + " expected " + reason + " but got " + got);
    }

    static void isStatelessAcrossThreads(SchedulingPolicy p) {
        PoolView pool = RealisticPools.fragmented(3);
        VgpuRequest r = VgpuRequest.of(2, 4096, 20);
        Placement expected = p.place(r, pool);
        ExecutorService pool4 = Executors.newFixedThreadPool(4);
        try {
            Set<Placement> answers = new HashSet<>();
            List<Future<Placement>> fs = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) fs.add(pool4.submit(() -> p.place(r, pool)));
            for (Future<Placement> f : fs) answers.add(f.get());
            check(answers.size() == 1 && answers.contains(expected), p,
                    "the same request on the same pool gave different answers from several threads: " + answers);
        } catch (Exception e) {
            throw new AssertionError(p.name() + " failed when called from several threads", e);
        } finally {
            pool4.shutdownNow();
        }
    }

    private static void check(boolean ok, SchedulingPolicy p, String what) {
        if (!ok) throw new AssertionError("policy '" + p.name() + "': " + what);
    }
}
