package io.orion.k8s.helper.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the node helper, PID {@value NodeLabeler#PID}. */
@ObjectClassDefinition(name = "Orion node helper", description = "Labels this node with the address of the Orion bind interface.")
@interface HelperConfig {

    @AttributeDefinition(name = "Interface", description = "Network interface whose address is published; empty for $ORION_BIND_NET, else eth0.")
    String interfaceName() default "";

    @AttributeDefinition(name = "Node name", description = "This Kubernetes node; empty for $NODE_NAME (the pod's spec.nodeName).")
    String nodeName() default "";

    @AttributeDefinition(name = "Label", description = "The node label that carries the address (Orion's name).")
    String label() default "ORION_BIND_ADDR";

    @AttributeDefinition(name = "API server", description = "Kubernetes API server URL used instead of the pod's in-cluster client "
            + "(service account), e.g. http://127.0.0.1:8001 behind kubectl proxy; empty in a cluster.")
    String apiServer() default "";

    @AttributeDefinition(name = "Retry (s)", min = "1", description = "How often a missing interface or a failed API call is tried again.")
    int retrySeconds() default 2;

    @AttributeDefinition(name = "Recheck (s)", min = "1", description = "How often a labelled node is checked again (the address may change).")
    int recheckSeconds() default 60;
}
