package io.orion.agent.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the node agent, PID {@value NodeAgent#PID}. */
@ObjectClassDefinition(name = "Orion node agent",
        description = "How this node's server joins the pool: its name and address, its controller, vGPU slots per GPU.")
@interface AgentConfig {

    @AttributeDefinition(name = "Node name", description = "Name of this node in the pool; empty for the bind condition's (NODE_NAME on Kubernetes), else the host name.")
    String nodeName() default "";

    @AttributeDefinition(name = "Address",
            description = "Address clients reach this node's server at; empty for the first non-loopback IPv4 address. "
                    + "On Kubernetes (server-k8s) the address of ORION_BIND_NET is used instead.")
    String address() default "";

    @AttributeDefinition(name = "Controller",
            description = "The controller's base URL, e.g. http://controller:9123. Empty: the controller runs in this runtime (standalone).")
    String controller() default "";

    @AttributeDefinition(name = "vGPU slots per GPU", min = "1", max = "100",
            description = "How many vGPUs one GPU may carry at most (Orion's vgpu_count).")
    int vgpuSlots() default 16;

    @AttributeDefinition(name = "Control URL",
            description = "Where the controller reaches this server's control API to push grants; empty for http://ADDRESS:<HTTP port>.")
    String controlUrl() default "";
}
