package io.orion.k8s.deviceplugin.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the device plugin, PID {@value DevicePluginComponent#PID}. */
@ObjectClassDefinition(name = "Orion Kubernetes device plugin",
        description = "Advertises vGPU slots to the kubelet and tells each container where the Orion controller is.")
@interface DevicePluginConfig {

    @AttributeDefinition(name = "Resource name",
            description = "Extended resource pods ask for (domain-prefixed, not kubernetes.io/).")
    String resourceName() default "virtaitech.com/gpu";

    @AttributeDefinition(name = "Controller address",
            description = "host:port (or URL) of the Orion controller's REST API; empty for $ORION_CONTROLLER.")
    String controllerAddress() default "";

    @AttributeDefinition(name = "Controller address for clients",
            description = "What containers get as ORION_CONTROLLER; empty for the controller address above.")
    String clientControllerAddress() default "";

    @AttributeDefinition(name = "Device-plugin directory",
            description = "The kubelet's device-plugin directory: its kubelet.sock is there and so is this plugin's socket.")
    String pluginDirectory() default "/var/lib/kubelet/device-plugins";

    @AttributeDefinition(name = "Socket name", description = "File name of this plugin's socket in the device-plugin directory.")
    String socketName() default "orion-vgpu.sock";

    @AttributeDefinition(name = "Slots", min = "0",
            description = "vGPU slots to advertise on this node; 0 for the pool's total (every GPU's vGPU slots): "
                    + "any node can run vGPU clients, since vGPUs are remote.")
    int slots() default 0;

    @AttributeDefinition(name = "Most slots", min = "1",
            description = "Upper bound of advertised slots (the kubelet keeps one entry per device).")
    int maxSlots() default 256;

    @AttributeDefinition(name = "Refresh (s)", min = "1", description = "How often the pool's capacity is read again.")
    int refreshSeconds() default 30;

    @AttributeDefinition(name = "Client library (host path)",
            description = "Host folder with Orion's client libraries; mounted read-only into every container that gets vGPUs. Empty for none.")
    String clientLibraryHostPath() default "/usr/lib/orion";

    @AttributeDefinition(name = "Client library (container path)", description = "Where the client libraries appear in the container.")
    String clientLibraryContainerPath() default "/usr/lib/orion";

    @AttributeDefinition(name = "Set LD_LIBRARY_PATH",
            description = "Put the client libraries on the container's library path, so unmodified CUDA programs load them.")
    boolean setLibraryPath() default true;

    @AttributeDefinition(name = "Shared-memory folder (host path)",
            description = "Host folder of the shm transport (its socket and segments); mounted into the container. Empty for none.")
    String shmHostPath() default "/dev/shm/orion";

    @AttributeDefinition(name = "Default ORION_GMEM (MiB)", min = "0",
            description = "ORION_GMEM for containers that set none; 0 leaves it to the pod. The pod's own env always wins.")
    long defaultGmemMiB() default 0;

    @AttributeDefinition(name = "Default ORION_RATIO", min = "0", max = "100",
            description = "ORION_RATIO for containers that set none; 0 leaves it to the pod.")
    int defaultRatio() default 0;
}
