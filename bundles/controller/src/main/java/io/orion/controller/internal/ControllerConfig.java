package io.orion.controller.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the controller's pool, PID {@value ControllerPool#PID}. */
@ObjectClassDefinition(name = "Orion controller",
        description = "The GPU pool: leases, server liveness, where its state is kept.")
@interface ControllerConfig {

    @AttributeDefinition(name = "Lease", min = "5",
            description = "Seconds an allocation lives without being renewed by its server (or its client). "
                    + "After a controller restart every allocation gets a fresh lease.")
    int leaseSeconds() default 30;

    @AttributeDefinition(name = "Heartbeat interval", min = "1",
            description = "Seconds between a server's heartbeats (servers are told this interval).")
    int heartbeatSeconds() default 5;

    @AttributeDefinition(name = "Missed heartbeats", min = "2",
            description = "A server silent for this many heartbeat intervals is marked down; its vGPUs are released and reported lost.")
    int missedHeartbeats() default 3;

    @AttributeDefinition(name = "State store",
            description = "Filter selecting the state store: (orion.store=journal) keeps state across restarts; "
                    + "(orion.store=memory) keeps nothing (tests, throwaway runs).")
    String store_target() default "(orion.store=journal)";

    @AttributeDefinition(name = "Event history", min = "10", description = "How many recent pool events to keep for the portal and the API.")
    int eventHistory() default 1000;
}
