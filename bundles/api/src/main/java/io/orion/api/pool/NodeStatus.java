package io.orion.api.pool;

import java.time.Instant;

/**
 * The controller's view of a node's liveness and latest report.
 *
 * @param node           node name
 * @param lastHeartbeat  when its server last reported (or registered)
 * @param report         what it reported then
 */
public record NodeStatus(String node, Instant lastHeartbeat, NodeReport report) {}
