package io.orion.api.pool;

import java.time.Instant;

/**
 * Something operators want to see happen: a node came or went, a vGPU was handed out, resized,
 * released or lost.
 *
 * @param time     when
 * @param kind     what happened
 * @param subject  the node, allocation or vGPU it happened to
 * @param message  one sentence for humans
 */
public record PoolEvent(Instant time, Kind kind, String subject, String message) {

    public enum Kind {
        NODE_REGISTERED, NODE_DOWN, NODE_REMOVED, NODE_DRAINING, NODE_UP,
        ALLOCATED, REFUSED, RESIZED, RELEASED, LEASE_EXPIRED, LOST, POLICY_CHANGED,
        /** A request of a group that holds vGPUs could not be placed beside them; the policy placed it. */
        GROUP_FALLBACK
    }
}
