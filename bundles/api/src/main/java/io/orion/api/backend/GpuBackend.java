package io.orion.api.backend;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A source of GPUs: enumerates physical devices and opens isolated contexts on them.
 *
 * <p>A backend that finds no device (no driver, say) still registers; it reports no devices and
 * says why in {@link #status()}. Nothing in it may fail at class initialisation.
 */
@ConsumerType
public interface GpuBackend {

    /** Service property naming the backend, e.g. {@code cuda}. */
    String NAME_PROPERTY = "orion.backend";

    /** The backend's name; equals its {@value #NAME_PROPERTY} service property. */
    String name();

    /** The physical GPUs, by ordinal; empty when there are none. */
    List<GpuDevice> devices();

    /** One line for operators: ready, or why there are no devices. */
    String status();

    /**
     * Opens a fresh context on one GPU, isolated from every other context (its own address space
     * where the device has one). The caller closes it; closing frees everything made in it.
     *
     * @throws GpuException {@link CudaError#INVALID_DEVICE} for an unknown UUID, or the device's error
     */
    GpuContext openContext(String gpuUuid);

    /** The latest telemetry sample of a GPU; never blocks; empty when the backend has none. */
    default Optional<GpuTelemetry> telemetry(String gpuUuid) { return Optional.empty(); }
}
