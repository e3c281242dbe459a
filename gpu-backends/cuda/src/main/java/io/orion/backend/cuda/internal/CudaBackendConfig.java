package io.orion.backend.cuda.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration of the cuda backend, PID {@value CudaBackendComponent#PID}. Changes apply without a restart. */
@ObjectClassDefinition(
        name = "Orion GPU backend: cuda",
        description = "The CUDA driver through FFM: physical GPUs, one CUDA context per vGPU session, NVML telemetry.")
public @interface CudaBackendConfig {

    @AttributeDefinition(name = "Context scheduling",
            description = "How a host thread waits for the GPU in a new context (cuCtxCreate's CU_CTX_SCHED_* flag): "
                    + "auto lets the driver choose; spin has the lowest latency and burns a core; blocking-sync sleeps.",
            options = {
                @Option(value = "auto", label = "auto"),
                @Option(value = "spin", label = "spin"),
                @Option(value = "yield", label = "yield"),
                @Option(value = "blocking-sync", label = "blocking-sync")
            })
    String contextScheduling() default "auto";

    @AttributeDefinition(name = "Staging buffer size",
            description = "Bytes of one pinned bounce buffer for copies from or to Java heap memory and for "
                    + "asynchronous copies from pageable memory. 64 KiB to 1 GiB.")
    long stagingBufferBytes() default 8L << 20;

    @AttributeDefinition(name = "Staging buffers per context",
            description = "At most this many bounce buffers per context, made when first needed. 1 to 64.")
    int stagingBuffers() default 4;

    @AttributeDefinition(name = "Telemetry period (ms)",
            description = "How often NVML is sampled, in milliseconds; 0 turns telemetry off. At least 100 otherwise.")
    long telemetryPeriodMillis() default 1000;
}
