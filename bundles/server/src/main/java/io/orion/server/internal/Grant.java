package io.orion.server.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;
import io.orion.api.server.VgpuGrant;
import io.orion.api.server.VgpuStatus;

/**
 * A granted vGPU and its memory account. The account is shared by every session attached to the
 * vGPU (the processes of one group), so the quota holds for the group as a whole. Reservations are
 * a compare-and-set on the used bytes: the quota is never exceeded, also under concurrent
 * allocations from several processes.
 */
final class Grant {
    private volatile VgpuGrant grant;
    private final boolean automatic;
    private final AtomicLong used = new AtomicLong();
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();

    Grant(VgpuGrant grant, boolean automatic) {
        this.grant = grant;
        this.automatic = automatic;
    }

    VgpuGrant spec() { return grant; }

    String id() { return grant.id(); }

    boolean automatic() { return automatic; }

    void update(VgpuGrant g) { this.grant = g; }

    long quotaBytes() { return grant.memoryBytes(); }

    long usedBytes() { return used.get(); }

    /** Takes {@code bytes} from the quota, or fails with CUDA_ERROR_OUT_OF_MEMORY taking nothing. */
    void reserve(long bytes) {
        while (true) {
            long u = used.get(), quota = quotaBytes();
            // quota - u is negative after a resize below use: every allocation fails until usage drops
            if (bytes > quota - u)
                throw new GpuException(CudaError.OUT_OF_MEMORY, String.format(
                        "allocation of %d bytes exceeds vGPU %s's quota (%d bytes, %d in use)", bytes, grant.id(), quota, u));
            if (used.compareAndSet(u, u + bytes)) return;
        }
    }

    void release(long bytes) { used.addAndGet(-bytes); }

    void attach(Session s) { sessions.add(s); }

    void detach(Session s) { sessions.remove(s); }

    Set<Session> sessions() { return sessions; }

    VgpuStatus status() { return new VgpuStatus(grant, used.get(), sessions.size(), automatic); }
}
