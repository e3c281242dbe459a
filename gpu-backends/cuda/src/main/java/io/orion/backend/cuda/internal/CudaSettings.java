package io.orion.backend.cuda.internal;

import java.time.Duration;
import java.util.Locale;

import io.orion.backend.cuda.internal.context.CudaContext.ContextSettings;
import io.orion.backend.cuda.internal.ffi.CudaConstants;

/**
 * Validated settings of the backend, from {@link CudaBackendConfig} or built directly (the GPU test
 * suite and the benchmark run without OSGi).
 *
 * @param contextScheduling  auto, spin, yield or blocking-sync
 * @param stagingBufferBytes bytes of one pinned bounce buffer
 * @param stagingBuffers     bounce buffers per context, at most
 * @param telemetryPeriod    NVML sampling period; zero for no telemetry
 */
public record CudaSettings(String contextScheduling, long stagingBufferBytes, int stagingBuffers, Duration telemetryPeriod) {

    private static final long MIN_STAGING = 64L << 10;
    private static final long MAX_STAGING = 1L << 30;

    public CudaSettings {
        contextScheduling = contextScheduling == null ? "" : contextScheduling.trim().toLowerCase(Locale.ROOT);
        schedulingFlag(contextScheduling); // validates
        if (stagingBufferBytes < MIN_STAGING || stagingBufferBytes > MAX_STAGING)
            throw new IllegalArgumentException("stagingBufferBytes must be between " + MIN_STAGING + " and " + MAX_STAGING
                    + ", was " + stagingBufferBytes);
        if (stagingBuffers < 1 || stagingBuffers > 64)
            throw new IllegalArgumentException("stagingBuffers must be between 1 and 64, was " + stagingBuffers);
        if (telemetryPeriod == null || telemetryPeriod.isNegative()
                || (!telemetryPeriod.isZero() && telemetryPeriod.toMillis() < 100))
            throw new IllegalArgumentException("telemetryPeriodMillis must be 0 (off) or at least 100, was "
                    + (telemetryPeriod == null ? "null" : telemetryPeriod.toMillis()));
    }

    public static CudaSettings defaults() {
        return new CudaSettings("auto", 8L << 20, 4, Duration.ofSeconds(1));
    }

    public static CudaSettings from(CudaBackendConfig config) {
        return new CudaSettings(config.contextScheduling(), config.stagingBufferBytes(), config.stagingBuffers(),
                Duration.ofMillis(config.telemetryPeriodMillis()));
    }

    public boolean telemetry() {
        return !telemetryPeriod.isZero();
    }

    /** What a new context is created with. */
    ContextSettings context() {
        return new ContextSettings(schedulingFlag(contextScheduling), stagingBufferBytes, stagingBuffers);
    }

    private static int schedulingFlag(String name) {
        return switch (name) {
            case "auto" -> CudaConstants.CU_CTX_SCHED_AUTO();
            case "spin" -> CudaConstants.CU_CTX_SCHED_SPIN();
            case "yield" -> CudaConstants.CU_CTX_SCHED_YIELD();
            case "blocking-sync" -> CudaConstants.CU_CTX_SCHED_BLOCKING_SYNC();
            default -> throw new IllegalArgumentException(
                    "contextScheduling must be auto, spin, yield or blocking-sync, was '" + name + "'");
        };
    }
}
