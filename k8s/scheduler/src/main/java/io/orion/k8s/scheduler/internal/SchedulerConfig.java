package io.orion.k8s.scheduler.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the scheduler extender, PID {@value ExtenderServlet#PID}. */
@ObjectClassDefinition(name = "Orion scheduler extender",
        description = "Filter, prioritize and bind for kube-scheduler's orion-scheduler profile, against the controller's pool.")
@interface SchedulerConfig {

    @AttributeDefinition(name = "Controller address", description = "host:port (or URL) of the controller's REST API; empty for $ORION_CONTROLLER.")
    String controllerAddress() default "";

    @AttributeDefinition(name = "Resource name", description = "The extended resource whose count is the number of vGPUs a container wants.")
    String resourceName() default "virtaitech.com/gpu";

    @AttributeDefinition(name = "Placement",
            description = "anywhere: every node may run the pod when the pool has room (vGPUs are remote), nodes whose "
                    + "own GPUs fit score higher; local: only nodes whose own GPUs fit pass (for the shm transport).")
    Placement placement() default Placement.anywhere;

    @AttributeDefinition(name = "Default ORION_GMEM (MiB)", min = "0",
            description = "vGPU memory assumed for a container that sets no ORION_GMEM; 0 for any amount.")
    long defaultGmemMiB() default 0;

    @AttributeDefinition(name = "Default ORION_RATIO", min = "1", max = "100",
            description = "Compute share assumed for a container that sets no ORION_RATIO (Orion's default is a whole GPU).")
    int defaultRatio() default 100;

    enum Placement { anywhere, local }
}
