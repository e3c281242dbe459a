package io.orion.policy.testkit;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.orion.api.policy.PlacementRules;
import io.orion.api.policy.SchedulingPolicy;
import io.orion.api.pool.GpuView;
import io.orion.api.pool.NoFitReason;
import io.orion.api.pool.NodeView;
import io.orion.api.pool.Placement;
import io.orion.api.pool.PoolView;
import io.orion.api.pool.Slot;
import io.orion.api.pool.VgpuRequest;

/**
 * Runs a policy against a simulated pool the way the controller does: every answer is checked
 * against {@link PlacementRules} (a broken rule is an {@link AssertionError}), placements are
 * committed so the next request sees them, and releases give capacity back.
 * <pre>{@code
 * PolicyHarness h = new PolicyHarness(new MyPolicy(), RealisticPools.mixedDataCentre());
 * PolicyHarness.Granted g = h.place(VgpuRequest.of(2, 20_000, 50)).granted();
 * h.release(g);
 * }</pre>
 * Not thread-safe.
 */
public final class PolicyHarness {

    private final SchedulingPolicy policy;
    private final Map<String, NodeView> nodes = new HashMap<>();
    private long version;
    private int granted;
    private final Map<NoFitReason, Integer> refused = new EnumMap<>(NoFitReason.class);

    /** What {@link #place} did. */
    public record Outcome(VgpuRequest request, Placement placement) {
        /** The placement; an {@link AssertionError} if the request was refused. */
        public Granted granted() {
            if (placement instanceof Placement.Placed p) return new Granted(request, p.slots());
            throw new AssertionError("expected " + request + " to be placed, but: " + ((Placement.NoFit) placement).message());
        }

        /** The refusal; an {@link AssertionError} if the request was placed. */
        public Placement.NoFit refused() {
            if (placement instanceof Placement.NoFit n) return n;
            throw new AssertionError("expected " + request + " to be refused, but it was placed on " + ((Placement.Placed) placement).slots());
        }
    }

    /** A committed placement, to release later. */
    public record Granted(VgpuRequest request, List<Slot> slots) {}

    public PolicyHarness(SchedulingPolicy policy, PoolView pool) {
        this.policy = policy;
        for (NodeView n : pool.nodes()) nodes.put(n.name(), n);
        this.version = pool.version();
    }

    /** The pool as it is now. */
    public PoolView pool() {
        List<NodeView> list = new ArrayList<>(nodes.values());
        list.sort(java.util.Comparator.comparing(NodeView::name));
        return PoolView.of(version, list);
    }

    /** Asks the policy, checks the answer, and commits it if it is a placement. */
    public Outcome place(VgpuRequest request) {
        PoolView before = pool();
        Placement answer = policy.place(request, before);
        if (answer == null) throw new AssertionError(policy.name() + " answered null for " + request);
        if (answer instanceof Placement.Placed placed) {
            String violation = PlacementRules.violation(request, placed, before);
            if (!violation.isEmpty())
                throw new AssertionError(policy.name() + " broke the placement rules for " + request + ": " + violation);
            for (Slot s : placed.slots()) change(s, request.memoryMiB(), request.ratio(), true);
            granted++;
        } else {
            refused.merge(((Placement.NoFit) answer).reason(), 1, Integer::sum);
        }
        return new Outcome(request, answer);
    }

    /** Gives a placement's capacity back. */
    public void release(Granted g) {
        for (Slot s : g.slots()) change(s, g.request().memoryMiB(), g.request().ratio(), false);
    }

    private void change(Slot s, long memoryMiB, int ratio, boolean add) {
        NodeView n = nodes.get(s.node());
        List<GpuView> gpus = new ArrayList<>(n.gpus());
        gpus.replaceAll(g -> !g.uuid().equals(s.gpuUuid()) ? g : add ? g.plus(memoryMiB, ratio) : g.minus(memoryMiB, ratio));
        nodes.put(n.name(), new NodeView(n.name(), n.address(), n.transports(), n.state(), gpus));
        version++;
    }

    public int grantedCount() { return granted; }

    public Map<NoFitReason, Integer> refusedByReason() { return Map.copyOf(refused); }

    /** Share of schedulable GPU memory held by vGPUs, 0..1. */
    public double memoryUtilisation() {
        long used = 0, total = 0;
        for (GpuView g : pool().schedulableGpus().toList()) {
            used += g.usedMemoryMiB();
            total += g.spec().memoryMiB();
        }
        return total == 0 ? 0 : (double) used / total;
    }

    /** How scattered the free capacity is for vGPUs of this size; see {@link Fragmentation}. */
    public double fragmentation(long probeMemoryMiB, int probeRatio) {
        return Fragmentation.of(pool(), probeMemoryMiB, probeRatio);
    }
}
