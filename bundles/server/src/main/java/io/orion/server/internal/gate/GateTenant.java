package io.orion.server.internal.gate;

/**
 * What the gate needs of a vGPU: who it is, its share now (read at every decision, so a resize
 * applies at once), and the accounts its usage is written to.
 *
 * <p>Shares belong to groups ({@code ORION_GROUP_ID}): on one physical GPU, the vGPUs of one group
 * are one tenant of the gate, whatever number of processes (sessions) and vGPUs the group has
 * there. A vGPU without a group is a tenant of its own. When a group's vGPUs carry different
 * ratios, the one granted or resized <em>last</em> ({@link #ratioVersion}) sets the group's ratio:
 * a resize through the controller is per vGPU, and must apply at once (the largest would ignore a
 * reduction until every vGPU of the group was resized).
 */
public interface GateTenant {
    String id();

    String groupId();

    /** The compute share in percent, 1–100, as granted now. */
    int ratio();

    /**
     * When its ratio was set, as a number that grows with every grant or resize that changed a
     * ratio (any vGPU's): among the vGPUs of a group, the largest sets the group's ratio.
     */
    long ratioVersion();

    /** Outlives the sessions: usage of this vGPU since it was granted. */
    ShareAccount account();

    /**
     * The usage of its group on its GPU (all the group's vGPUs there together), kept while any of
     * them is granted; its own {@link #account} when it has no group.
     */
    default ShareAccount groupAccount() {
        return account();
    }
}
