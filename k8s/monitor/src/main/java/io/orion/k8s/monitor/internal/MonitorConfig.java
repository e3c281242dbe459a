package io.orion.k8s.monitor.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the node monitor, PID {@value NodeMonitor#PID}. */
@ObjectClassDefinition(name = "Orion node monitor",
        description = "Per-node Prometheus samples: this node's GPUs (NVML through the GPU backend) and the vGPUs placed on them.")
@interface MonitorConfig {

    @AttributeDefinition(name = "Node name", description = "This node as the pool knows it; empty for $NODE_NAME, else the host name.")
    String nodeName() default "";

    @AttributeDefinition(name = "Controller address",
            description = "host:port (or URL) of the controller, for the vGPUs of this node; empty for $ORION_CONTROLLER; "
                    + "\"none\" for GPU samples only.")
    String controllerAddress() default "";

    @AttributeDefinition(name = "Controller timeout (ms)", min = "100", description = "A scrape waits this long for the controller at most.")
    int controllerTimeoutMillis() default 2000;
}
