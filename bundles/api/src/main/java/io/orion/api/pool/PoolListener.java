package io.orion.api.pool;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told about changes to vGPUs that their server must apply: register as a service. The
 * controller calls listeners after the change is durable, outside its lock; a listener that is
 * slow delays only other listeners.
 */
@ConsumerType
public interface PoolListener {

    /**
     * An allocation was granted and is durable. Called before the requester is answered, so a
     * server in the same runtime holds the grant by the time the client connects.
     */
    default void granted(Allocation allocation) {}

    /** A vGPU's memory quota or compute ratio changed. */
    default void resized(Vgpu vgpu) {}

    /** An allocation ended (released, lease lapsed, or lost with its node). */
    default void released(Allocation allocation, String why) {}
}
