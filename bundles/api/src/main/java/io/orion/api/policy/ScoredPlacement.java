package io.orion.api.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

import io.orion.api.pool.GpuView;
import io.orion.api.pool.NodeView;
import io.orion.api.pool.Placement;
import io.orion.api.pool.PoolView;
import io.orion.api.pool.Slot;
import io.orion.api.pool.VgpuRequest;

/**
 * The placement skeleton most policies share: a policy says how much it likes each GPU, this
 * does the rest, within the SPI's contract.
 *
 * <ul>
 * <li>Only GPUs of schedulable nodes the vGPU fits on are scored; the request's node pin is kept.</li>
 * <li>One node is preferred even when the request may cross nodes (locality): the node whose
 *     best {@code count} GPUs have the highest total score wins.</li>
 * <li>Only when no single node can take the request, and it may cross nodes, are the best
 *     {@code count} GPUs of the whole pool taken.</li>
 * <li>Ties go to the node, then GPU, that sorts first, so answers are deterministic.</li>
 * </ul>
 * Runs in O(GPUs · log count) per call, which keeps 10 000-GPU pools well under a millisecond.
 */
public final class ScoredPlacement {

    private ScoredPlacement() {}

    private record Scored(GpuView gpu, double score) {}

    private static final Comparator<Scored> WORST_FIRST = Comparator.comparingDouble(Scored::score)
            .thenComparing((Scored s) -> s.gpu().node(), Comparator.reverseOrder())
            .thenComparing((Scored s) -> s.gpu().index(), Comparator.reverseOrder());

    public static Placement place(VgpuRequest request, PoolView pool, GpuScorer scorer) {
        int k = request.count();
        List<Scored> bestNode = null;
        double bestNodeScore = Double.NEGATIVE_INFINITY;
        PriorityQueue<Scored> global = request.crossNode() ? new PriorityQueue<>(k + 1, WORST_FIRST) : null;

        for (NodeView node : pool.nodes()) {
            if (!node.schedulable()) continue;
            if (!request.node().isEmpty() && !request.node().equals(node.name())) continue;
            PriorityQueue<Scored> top = new PriorityQueue<>(k + 1, WORST_FIRST);
            for (GpuView gpu : node.gpus()) {
                if (!gpu.fits(request.memoryMiB(), request.ratio())) continue;
                Scored s = new Scored(gpu, scorer.score(gpu, request));
                keepBest(top, s, k);
                if (global != null) keepBest(global, s, k);
            }
            if (top.size() < k) continue;
            double total = top.stream().mapToDouble(Scored::score).sum();
            if (total > bestNodeScore) { // strict: the earlier (sorted) node wins ties
                bestNodeScore = total;
                bestNode = new ArrayList<>(top);
            }
        }
        List<Scored> chosen = bestNode != null ? bestNode
                : global != null && global.size() == k ? new ArrayList<>(global) : null;
        if (chosen == null) return NoFitDiagnosis.explain(request, pool);
        chosen.sort(WORST_FIRST.reversed());
        return Placement.placed(chosen.stream().map(s -> new Slot(s.gpu().node(), s.gpu().uuid())).toList());
    }

    private static void keepBest(PriorityQueue<Scored> top, Scored s, int k) {
        if (top.size() < k) {
            top.add(s);
        } else if (WORST_FIRST.compare(s, top.peek()) > 0) {
            top.poll();
            top.add(s);
        }
    }
}
