package io.orion.k8s.netwait.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the bind-network wait, PID {@value NetWait#PID}. */
@ObjectClassDefinition(name = "Orion bind network",
        description = "Waits until ORION_BIND_NET is up; until then the server's TCP and rdma transports and its node agent do not start, "
                + "then they bind to its address.")
@interface NetWaitConfig {

    @AttributeDefinition(name = "Interface", description = "Network interface to bind to; empty for $ORION_BIND_NET, else eth0.")
    String interfaceName() default "";

    @AttributeDefinition(name = "Retry (s)", min = "1", description = "How often a missing interface is looked for again.")
    int retrySeconds() default 2;
}
