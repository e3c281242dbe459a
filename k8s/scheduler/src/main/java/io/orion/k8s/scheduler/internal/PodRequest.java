package io.orion.k8s.scheduler.internal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a pod asks of the pool, read from its spec as kube-scheduler sends it: the vGPU count is
 * the sum of its containers' resource limits (requests where no limit is set; init containers
 * run one at a time, so their largest), memory and ratio per vGPU from ORION_GMEM and
 * ORION_RATIO in the env of a container that asks (literal values; a value from a reference
 * cannot be known here, so the default stands in), and ORION_CROSS_NODE.
 *
 * @param vgpus      vGPUs the pod needs at once; 0 when it asks for none
 * @param memoryMiB  memory per vGPU
 * @param ratio      compute share per vGPU, percent
 * @param crossNode  whether its vGPUs may be spread over several nodes
 */
record PodRequest(int vgpus, long memoryMiB, int ratio, boolean crossNode) {

    static PodRequest of(JsonNode pod, String resource, long defaultMemoryMiB, int defaultRatio) {
        JsonNode spec = pod.path("spec");
        int sum = 0;
        long memory = defaultMemoryMiB;
        int ratio = defaultRatio;
        boolean cross = false;
        for (JsonNode c : spec.path("containers")) {
            int n = count(c, resource);
            if (n == 0) continue;
            sum += n;
            for (JsonNode e : c.path("env")) {
                if (!e.hasNonNull("value")) continue;
                String name = e.path("name").asText(), value = e.path("value").asText().strip();
                switch (name) {
                    case "ORION_GMEM" -> memory = Math.max(memory, positiveLong(name, value));
                    case "ORION_RATIO" -> ratio = ratio(value);
                    case "ORION_CROSS_NODE" -> cross = value.equals("1") || value.equalsIgnoreCase("true");
                    default -> { }
                }
            }
        }
        int init = 0;
        for (JsonNode c : spec.path("initContainers")) init = Math.max(init, count(c, resource));
        return new PodRequest(Math.max(sum, init), memory, ratio, cross);
    }

    private static int count(JsonNode container, String resource) {
        JsonNode res = container.path("resources");
        JsonNode q = res.path("limits").path(resource);
        if (q.isMissingNode() || q.isNull()) q = res.path("requests").path(resource);
        if (q.isMissingNode() || q.isNull()) return 0;
        String text = q.asText().strip();
        try {
            int n = Integer.parseInt(text);
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("container '" + container.path("name").asText() + "' asks for " + resource
                    + " '" + text + "': extended resources are whole numbers");
        }
    }

    private static long positiveLong(String name, String value) {
        try {
            long v = Long.parseLong(value);
            if (v > 0) return v;
        } catch (NumberFormatException e) {
            // falls through to the message
        }
        throw new IllegalArgumentException(name + " must be a whole number of MiB > 0, was '" + value + "'");
    }

    private static int ratio(String value) {
        try {
            int v = Integer.parseInt(value);
            if (v >= 1 && v <= 100) return v;
        } catch (NumberFormatException e) {
            // falls through to the message
        }
        throw new IllegalArgumentException("ORION_RATIO must be 1..100, was '" + value + "'");
    }
}
