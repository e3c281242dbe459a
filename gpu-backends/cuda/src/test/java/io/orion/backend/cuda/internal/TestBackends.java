package io.orion.backend.cuda.internal;

import java.time.Duration;

import io.orion.api.backend.GpuDevice;

/** Backends on the fake driver, without telemetry unless asked. */
public final class TestBackends {
    private TestBackends() {}

    public static final String NO_SUCH_LIBRARY = "liborion-no-such-library.so.1";

    public static CudaSettings settings() {
        return new CudaSettings("auto", 64 << 10, 2, Duration.ZERO);
    }

    public static CudaBackend fake() {
        return CudaBackend.open(settings(), "libcuda.so.1", NO_SUCH_LIBRARY);
    }

    public static CudaBackend fake(CudaSettings settings) {
        return CudaBackend.open(settings, "libcuda.so.1", "libnvidia-ml.so.1");
    }

    public static GpuDevice first(CudaBackend backend) {
        return backend.devices().getFirst();
    }
}
