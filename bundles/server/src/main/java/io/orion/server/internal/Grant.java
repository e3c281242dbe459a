package io.orion.server.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;
import io.orion.api.server.VgpuGrant;
import io.orion.api.server.VgpuStatus;
import io.orion.server.internal.gate.GateTenant;
import io.orion.server.internal.gate.ShareAccount;

/**
 * A granted vGPU and its memory account. The account is shared by every session attached to the
 * vGPU (the processes of one group), so the quota holds for the group as a whole. Reservations are
 * a compare-and-set on the used bytes: the quota is never exceeded, also under concurrent
 * allocations from several processes.
 */
final class Grant implements GateTenant {
    private volatile VgpuGrant grant;
    private final boolean automatic;
    private final AtomicLong used = new AtomicLong();
    /** Traffic of the sessions that have ended: launches, to, from, on device. Live sessions are added when asked. */
    private final java.util.concurrent.atomic.LongAdder[] retired = {
        new java.util.concurrent.atomic.LongAdder(), new java.util.concurrent.atomic.LongAdder(),
        new java.util.concurrent.atomic.LongAdder(), new java.util.concurrent.atomic.LongAdder()};
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    /** What the compute gate measured of it: GPU time, share, time held back (all its sessions). */
    private final ShareAccount compute = new ShareAccount();
    /** Its group's on its GPU, shared with the group's other vGPUs there ({@link Grants} assigns it); its own without a group. */
    private volatile ShareAccount groupCompute = compute;
    /** Numbers every ratio set on this server, so that the gate can tell which of a group's vGPUs was resized last. */
    private static final AtomicLong RATIO_SETS = new AtomicLong();
    private volatile long ratioVersion = RATIO_SETS.incrementAndGet();

    Grant(VgpuGrant grant, boolean automatic) {
        this.grant = grant;
        this.automatic = automatic;
    }

    VgpuGrant spec() { return grant; }

    @Override
    public String id() { return grant.id(); }

    @Override
    public String groupId() { return grant.groupId(); }

    /** The share as granted now: the gate reads it at every decision, so a resize applies at once. */
    @Override
    public int ratio() { return grant.ratio(); }

    @Override
    public long ratioVersion() { return ratioVersion; }

    @Override
    public ShareAccount account() { return compute; }

    @Override
    public ShareAccount groupAccount() { return groupCompute; }

    void groupAccount(ShareAccount a) { groupCompute = a; }

    boolean automatic() { return automatic; }

    /** A new quota, share (a changed ratio becomes the latest of its group's), or, unused, GPU and group. */
    void update(VgpuGrant g) {
        if (g.ratio() != grant.ratio()) ratioVersion = RATIO_SETS.incrementAndGet();
        this.grant = g;
    }

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

    /** A session's device on this vGPU ends: its counters move into the vGPU's totals. */
    void retire(SessionDevice d) {
        retired[0].add(d.launches.sum());
        retired[1].add(d.bytesToDevice.sum());
        retired[2].add(d.bytesFromDevice.sum());
        retired[3].add(d.bytesOnDevice.sum());
    }

    /** The status with every counter since the grant: ended sessions' totals plus the live ones'. */
    VgpuStatus status() {
        long[] t = {retired[0].sum(), retired[1].sum(), retired[2].sum(), retired[3].sum()};
        for (Session s : sessions) {
            for (SessionDevice d : s.devices()) {
                if (d.grant != this) continue;
                t[0] += d.launches.sum();
                t[1] += d.bytesToDevice.sum();
                t[2] += d.bytesFromDevice.sum();
                t[3] += d.bytesOnDevice.sum();
            }
        }
        return new VgpuStatus(grant, used.get(), sessions.size(), automatic, t[0], t[1], t[2], t[3]);
    }
}
