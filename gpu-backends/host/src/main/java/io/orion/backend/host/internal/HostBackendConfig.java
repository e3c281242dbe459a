package io.orion.backend.host.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the host backend, PID {@value HostBackend#PID}. A change re-creates the devices. */
@ObjectClassDefinition(
        name = "Orion host GPU backend",
        description = "CPU devices that keep device memory off-heap and run kernels by interpreting their PTX, "
                + "so the platform runs where there is no GPU.")
@interface HostBackendConfig {

    @AttributeDefinition(name = "Devices", min = "0", max = "64",
            description = "How many host devices to offer.")
    int devices() default 1;

    @AttributeDefinition(name = "Memory per device (MiB)", min = "1",
            description = "Device memory each host device reports and enforces (allocations beyond it fail with "
                    + "CUDA_ERROR_OUT_OF_MEMORY). It is taken from the machine's memory only as it is allocated.")
    long memoryMiB() default 16384;

    @AttributeDefinition(name = "Device name",
            description = "The name every host device reports.")
    String deviceName() default "Orion Host Device (CPU)";

    @AttributeDefinition(name = "Worker threads", min = "0",
            description = "Threads that run thread blocks, shared by all host devices; 0 means one per available processor. "
                    + "Devices report this many multiprocessors.")
    int workerThreads() default 0;
}
