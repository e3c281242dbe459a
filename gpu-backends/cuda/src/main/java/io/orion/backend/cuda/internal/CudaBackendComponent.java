package io.orion.backend.cuda.internal;

import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

import io.orion.api.backend.GpuBackend;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuDevice;
import io.orion.api.backend.GpuTelemetry;

/**
 * The cuda backend as a service ({@code orion.backend=cuda}). Always registered, also on machines
 * without a driver, where it reports no devices and its status says why. A configuration change is
 * applied in place ({@link Modified}): re-activating would close every session's context.
 */
@Component(immediate = true, service = GpuBackend.class, configurationPid = CudaBackendComponent.PID,
        property = GpuBackend.NAME_PROPERTY + "=" + CudaBackend.NAME)
@Designate(ocd = CudaBackendConfig.class)
public final class CudaBackendComponent implements GpuBackend {
    static final String PID = "io.orion.backend.cuda";

    private final CudaBackend backend;

    @Activate
    public CudaBackendComponent(CudaBackendConfig config) {
        this(CudaBackend.open(CudaSettings.from(config)));
    }

    CudaBackendComponent(CudaBackend backend) {
        this.backend = backend;
    }

    @Modified
    void modified(CudaBackendConfig config) {
        backend.reconfigure(CudaSettings.from(config));
    }

    @Deactivate
    void deactivate() {
        backend.close();
    }

    @Override
    public String name() {
        return backend.name();
    }

    @Override
    public List<GpuDevice> devices() {
        return backend.devices();
    }

    @Override
    public String status() {
        return backend.status();
    }

    @Override
    public GpuContext openContext(String gpuUuid) {
        return backend.openContext(gpuUuid);
    }

    @Override
    public Optional<GpuTelemetry> telemetry(String gpuUuid) {
        return backend.telemetry(gpuUuid);
    }
}
