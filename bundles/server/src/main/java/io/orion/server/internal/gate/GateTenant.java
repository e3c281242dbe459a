package io.orion.server.internal.gate;

/**
 * What the gate needs of a vGPU: who it is, its share now (read at every decision, so a resize
 * applies at once), and the account its usage is written to. Every process attached to the vGPU
 * (the processes of one group) is one tenant of the gate: they share the one share.
 */
public interface GateTenant {
    String id();

    String groupId();

    /** The compute share in percent, 1–100, as granted now. */
    int ratio();

    /** Outlives the sessions: usage since the vGPU was granted. */
    ShareAccount account();
}
