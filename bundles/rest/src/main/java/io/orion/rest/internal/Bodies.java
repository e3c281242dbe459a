package io.orion.rest.internal;

import java.util.HashSet;
import java.util.Set;

import io.orion.api.pool.GpuSpec;
import io.orion.api.pool.VgpuRequest;

/** Checks request bodies field by field, so that a 400 names the field and nothing is half applied. */
final class Bodies {
    private Bodies() {}

    static VgpuRequest request(PoolDtos.AllocationRequest b) {
        int count = required(b.count(), "count");
        long memory = required(b.memoryMiB(), "memoryMiB");
        int ratio = b.ratio() == null ? 100 : b.ratio();
        if (count < 1 || count > VgpuRequest.MAX_COUNT)
            throw new IllegalArgumentException("field 'count' must be 1.." + VgpuRequest.MAX_COUNT + ", was " + count);
        if (memory <= 0) throw new IllegalArgumentException("field 'memoryMiB' must be > 0, was " + memory);
        if (ratio < 1 || ratio > 100) throw new IllegalArgumentException("field 'ratio' must be 1..100, was " + ratio);
        return new VgpuRequest(count, memory, ratio, b.groupId(), b.crossNode() != null && b.crossNode(), b.node());
    }

    static void check(PoolDtos.NodeRegistration b) {
        if (b == null) throw new IllegalArgumentException("a JSON body is required: {name, address, transports, gpus}");
        if (b.name() == null || b.name().isBlank()) throw new IllegalArgumentException("field 'name' is required");
        if (!b.name().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,252}"))
            throw new IllegalArgumentException("field 'name': '" + b.name() + "' is not a valid node name (letters, digits, '.', '_', '-')");
        if (b.gpus() == null) throw new IllegalArgumentException("field 'gpus' is required (an empty list for a node without GPUs)");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < b.gpus().size(); i++) {
            GpuSpec g = b.gpus().get(i);
            if (g == null) throw new IllegalArgumentException("field 'gpus[" + i + "]' is null");
            if (!seen.add(g.uuid())) throw new IllegalArgumentException("field 'gpus[" + i + "].uuid': " + g.uuid() + " appears twice");
        }
    }

    private static <T> T required(T value, String field) {
        if (value == null) throw new IllegalArgumentException("field '" + field + "' is required");
        return value;
    }
}
