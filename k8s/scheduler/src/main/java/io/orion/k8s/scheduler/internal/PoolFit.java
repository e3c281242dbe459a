package io.orion.k8s.scheduler.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where the pool has room for a request, from the controller's GET /api/v1/gpus and
 * /api/v1/nodes: per node, how many of its GPUs could take one more vGPU of the request's size
 * (vGPUs of one request land on distinct GPUs, as the controller places them), and how much of
 * its memory is free. Only nodes that are up take new vGPUs.
 */
final class PoolFit {
    private final Map<String, Integer> fitting = new HashMap<>();
    private final Map<String, Double> freeShare = new HashMap<>();

    PoolFit(JsonNode nodes, JsonNode gpus, PodRequest r) {
        Set<String> up = new HashSet<>();
        for (JsonNode n : nodes) if (n.path("state").asText().equalsIgnoreCase("up")) up.add(n.path("name").asText());
        for (JsonNode g : gpus) {
            String node = g.path("node").asText();
            if (!up.contains(node)) continue;
            long memory = g.path("memoryMiB").asLong();
            long freeMemory = memory - g.path("allocatedMemoryMiB").asLong();
            int freeRatio = 100 - g.path("allocatedRatio").asInt();
            int freeSlots = g.path("vgpuSlots").asInt() - g.path("vgpus").asInt();
            if (freeSlots > 0 && freeMemory >= r.memoryMiB() && freeRatio >= r.ratio()) {
                fitting.merge(node, 1, Integer::sum);
                freeShare.merge(node, memory > 0 ? (double) freeMemory / memory : 0, Math::max);
            }
        }
    }

    /** True when this node's own GPUs can take the whole request. */
    boolean fitsOn(String node, PodRequest r) {
        return fitting.getOrDefault(node, 0) >= r.vgpus();
    }

    /** True when the pool can take the request somewhere (on one node, or spread if the pod allows it). */
    boolean fitsAnywhere(PodRequest r) {
        if (r.crossNode()) return fitting.values().stream().mapToInt(Integer::intValue).sum() >= r.vgpus();
        return fitting.values().stream().anyMatch(n -> n >= r.vgpus());
    }

    /** 0–10, kube-scheduler's extender range: 0 where the node's own GPUs cannot take it, 5–10 by its free memory where they can. */
    int score(String node, PodRequest r) {
        if (!fitsOn(node, r)) return 0;
        return 5 + (int) Math.round(5 * freeShare.getOrDefault(node, 0.0));
    }
}
