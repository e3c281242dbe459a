package io.orion.k8s.deviceplugin.internal;

import com.fasterxml.jackson.databind.JsonNode;

import io.orion.k8s.client.ControllerClient;

/** How many vGPU slots this node advertises: a fixed number, or the pool's total as the controller reports it. */
final class Capacity {
    private final ControllerClient controller;
    private final int fixed;
    private final int max;

    Capacity(ControllerClient controller, int fixed, int max) {
        this.controller = controller;
        this.fixed = fixed;
        this.max = max;
    }

    /**
     * Reads the pool (so an unreachable controller is noticed even with a fixed count) and gives the
     * slot count. Throws {@link io.orion.k8s.client.ControllerException} when the controller cannot answer.
     */
    int read() {
        JsonNode gpus = controller.get("/api/v1/gpus");
        if (fixed > 0) return Math.min(fixed, max);
        long total = 0;
        for (JsonNode g : gpus) total += Math.max(0, g.path("vgpuSlots").asLong());
        return (int) Math.min(total, max);
    }
}
