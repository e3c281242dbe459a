package io.orion.server.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuDevice;
import io.orion.api.backend.GpuException;
import io.orion.api.server.VgpuGrant;
import io.orion.api.server.VgpuStatus;
import io.orion.server.internal.gate.ShareAccount;

/**
 * The vGPUs this server may serve: granted by the controller, or granted automatically for a
 * client that came without a grant (where the settings allow it). Lookups and changes are
 * synchronized on this registry; the memory accounts themselves are lock-free ({@link Grant}).
 */
final class Grants {
    private final ConcurrentHashMap<String, Grant> byId = new ConcurrentHashMap<>();

    /** Grants or updates. The GPU and group of a vGPU in use cannot change. */
    synchronized VgpuStatus grant(VgpuGrant g, List<GpuDevice> devices) {
        if (devices.stream().noneMatch(d -> d.uuid().equals(g.gpuUuid())))
            throw new IllegalArgumentException("GPU " + g.gpuUuid() + " is not on this server; it has "
                    + devices.stream().map(GpuDevice::uuid).toList());
        Grant existing = byId.get(g.id());
        if (existing == null) {
            Grant n = new Grant(g, false);
            joinGroup(n);
            byId.put(g.id(), n);
            return n.status();
        }
        VgpuGrant old = existing.spec();
        if (!existing.sessions().isEmpty() && (!old.gpuUuid().equals(g.gpuUuid()) || !old.groupId().equals(g.groupId())))
            throw new IllegalArgumentException("vGPU " + g.id() + " is in use by " + existing.sessions().size()
                    + " session(s): its GPU and group cannot change (resize it, or revoke it first)");
        existing.update(g);
        if (!old.gpuUuid().equals(g.gpuUuid()) || !old.groupId().equals(g.groupId())) joinGroup(existing);
        return existing.status();
    }

    /**
     * Gives a grant its group's account on its GPU: the one its group's other vGPUs there share, or
     * a new one if it is the first; its own account when it has no group. The account lives as long
     * as any of the group's vGPUs on the GPU is granted.
     */
    private void joinGroup(Grant g) {
        VgpuGrant spec = g.spec();
        if (spec.groupId().isEmpty()) {
            g.groupAccount(g.account());
            return;
        }
        for (Grant o : byId.values()) {
            if (o != g && o.spec().groupId().equals(spec.groupId()) && o.spec().gpuUuid().equals(spec.gpuUuid())) {
                g.groupAccount(o.groupAccount());
                return;
            }
        }
        g.groupAccount(new ShareAccount());
    }

    synchronized Optional<Grant> remove(String id) {
        return Optional.ofNullable(byId.remove(id));
    }

    Optional<Grant> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    synchronized VgpuStatus resize(String id, long memoryMiB, int ratio) {
        Grant g = byId.get(id);
        if (g == null) throw new IllegalArgumentException("vGPU " + id + " is not granted to this server");
        g.update(g.spec().resized(memoryMiB, ratio));
        return g.status();
    }

    /** Every grant, by id. */
    List<Grant> all() {
        List<Grant> out = new ArrayList<>(byId.values());
        out.sort((a, b) -> a.id().compareTo(b.id()));
        return out;
    }

    /**
     * The grants a new session opens, attached to it, in device order.
     *
     * @throws GpuException INVALID_DEVICE for an unknown vGPU, NOT_PERMITTED for a group that does
     *                      not match or a vGPU without a group that another process uses
     */
    synchronized List<Grant> attach(Session s, List<String> ids) {
        List<Grant> out = new ArrayList<>();
        for (String id : ids) {
            Grant g = byId.get(id);
            if (g == null) throw new GpuException(CudaError.INVALID_DEVICE, "vGPU " + id + " is not granted to this server");
            String group = g.spec().groupId();
            if (!group.equals(s.groupId))
                throw new GpuException(CudaError.NOT_PERMITTED, "vGPU " + id + " belongs to group '" + group
                        + "', the client is in group '" + s.groupId + "'");
            if (group.isEmpty() && !g.sessions().isEmpty())
                throw new GpuException(CudaError.NOT_PERMITTED, "vGPU " + id + " has no group and is in use by another process");
            if (out.contains(g)) throw new GpuException(CudaError.INVALID_DEVICE, "vGPU " + id + " is named twice");
            out.add(g);
        }
        out.forEach(g -> g.attach(s));
        return out;
    }

    /**
     * Grants itself {@code count} vGPUs for a client without grants: one per device, round robin
     * over the GPUs. A group's automatic vGPUs are shared by its processes (one quota per vGPU).
     */
    synchronized List<Grant> attachAutomatic(Session s, int count, long memoryMiB, int ratio, List<GpuDevice> devices) {
        if (devices.isEmpty()) throw new GpuException(CudaError.NO_DEVICE, "the server's backend has no GPU");
        List<Grant> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            GpuDevice d = devices.get(i % devices.size());
            long mib = memoryMiB > 0 ? memoryMiB : d.totalMemoryBytes() >> 20;
            int r = ratio > 0 ? ratio : 100;
            String id = s.groupId.isEmpty() ? "auto-" + s.idHex() + "-" + i : "auto-" + s.groupId + "-" + i;
            Grant g = byId.get(id);
            if (g == null) {
                g = new Grant(new VgpuGrant(id, d.uuid(), mib, r, s.groupId), true);
                joinGroup(g);
                byId.put(id, g);
            }
            out.add(g);
        }
        out.forEach(g -> g.attach(s));
        return out;
    }

    /** A session lets go of its grants; automatic ones nobody uses any more are dropped. */
    synchronized void detach(Session s, List<Grant> grants) {
        for (Grant g : grants) {
            g.detach(s);
            if (g.automatic() && g.sessions().isEmpty() && g.usedBytes() == 0) byId.remove(g.id(), g);
        }
    }
}
