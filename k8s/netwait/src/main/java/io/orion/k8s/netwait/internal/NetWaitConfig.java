package io.orion.k8s.netwait.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the bind-network wait, PID {@value NetWait#PID}. */
@ObjectClassDefinition(name = "Orion bind network",
        description = "Waits until ORION_BIND_NET is up, then binds the server's TCP transport to its address.")
@interface NetWaitConfig {

    @AttributeDefinition(name = "Interface", description = "Network interface to bind to; empty for $ORION_BIND_NET, else eth0.")
    String interfaceName() default "";

    @AttributeDefinition(name = "Retry (s)", min = "1", description = "How often a missing interface is looked for again.")
    int retrySeconds() default 2;

    @AttributeDefinition(name = "Configure TCP transport",
            description = "Set bindAddress and advertisedHost of PID io.orion.transport.tcp to the interface's address.")
    boolean configureTcp() default true;

    @AttributeDefinition(name = "Configure node agent",
            description = "Set address of PID io.orion.agent to the interface's address, and its nodeName to $NODE_NAME when set, "
                    + "so that the node joins the pool under its Kubernetes name at the address clients reach.")
    boolean configureAgent() default true;
}
