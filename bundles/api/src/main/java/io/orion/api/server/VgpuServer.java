package io.orion.api.server;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The remoting server's control surface: grants, quotas and sessions. Every change applies to
 * running sessions at once.
 */
@ProviderType
public interface VgpuServer {

    /**
     * Grants a vGPU, or updates the grant with this id (quota, share; the GPU and the group of a
     * granted vGPU cannot change while a session uses it).
     *
     * @throws IllegalArgumentException naming the value, for a GPU the server does not have or a
     *                                  change it cannot make
     */
    VgpuStatus grant(VgpuGrant grant);

    /**
     * Withdraws a vGPU. Sessions that use it are closed and everything they hold is freed.
     *
     * @return false if no such vGPU was granted
     */
    boolean revoke(String vgpuId);

    /**
     * Changes a vGPU's quota and share while it runs. Lowering the quota below what is in use
     * takes nothing away: further allocations fail until usage drops under the new quota.
     *
     * @throws IllegalArgumentException naming the vGPU when it is not granted, or a bad value
     */
    VgpuStatus resize(String vgpuId, long memoryMiB, int ratio);

    /** Every granted vGPU with its usage. */
    List<VgpuStatus> vgpus();

    Optional<VgpuStatus> vgpu(String vgpuId);

    /** Every session, attached or waiting to be resumed. */
    List<SessionInfo> sessions();

    /**
     * Ends a session at once, as if its client had said goodbye: its connection is closed and
     * everything it holds is freed.
     *
     * @return false if there is no such session
     */
    boolean closeSession(long sessionId);
}
