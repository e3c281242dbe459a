package io.orion.api.pool;

import java.time.Instant;
import java.util.List;

/**
 * vGPUs handed out together for one request.
 *
 * @param id        unique id, e.g. {@code alloc-…}
 * @param request   what was asked
 * @param vgpus     the vGPUs, in device order
 * @param owner     who holds it (a process, pod or user as the client described itself)
 * @param created   when it was made
 */
public record Allocation(String id, VgpuRequest request, List<Vgpu> vgpus, String owner, Instant created) {
    public Allocation {
        vgpus = List.copyOf(vgpus);
    }
}
