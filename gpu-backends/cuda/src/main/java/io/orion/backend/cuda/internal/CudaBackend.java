package io.orion.backend.cuda.internal;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuBackend;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuDevice;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuTelemetry;
import io.orion.backend.cuda.internal.context.CudaContext;
import io.orion.backend.cuda.internal.driver.DeviceQuery;
import io.orion.backend.cuda.internal.driver.DeviceQuery.CudaDevice;
import io.orion.backend.cuda.internal.driver.Driver;
import io.orion.backend.cuda.internal.driver.DriverSymbols;
import io.orion.backend.cuda.internal.driver.LibraryCheck;
import io.orion.backend.cuda.internal.driver.ProcessFatalErrors;
import io.orion.backend.cuda.internal.driver.ProcessFault;
import io.orion.backend.cuda.internal.nvml.NvmlSymbols;
import io.orion.backend.cuda.internal.nvml.NvmlTelemetry;

/**
 * The cuda backend without OSGi: probes the driver, enumerates the GPUs, opens contexts and keeps
 * telemetry. When there is no usable driver it still exists, reports no devices, and its status
 * says why. The DS component wraps it; the GPU test suite and the benchmark use it directly.
 */
public final class CudaBackend implements GpuBackend, AutoCloseable {
    public static final String NAME = "cuda";
    private static final Logger LOG = LoggerFactory.getLogger(CudaBackend.class);

    private final Driver driver; // null: no usable driver
    private final List<CudaDevice> cudaDevices;
    private final List<GpuDevice> devices;
    /** "N GPU(s), driver API …: …" when ready; the reason when not. */
    private final String status;
    private final String nvmlLibrary;
    private final AtomicLong serials = new AtomicLong();
    private final Set<CudaContext> open = ConcurrentHashMap.newKeySet();
    private volatile CudaSettings settings;
    private volatile NvmlTelemetry telemetry;
    private volatile boolean closed;

    private CudaBackend(Driver driver, List<CudaDevice> cudaDevices, String status, CudaSettings settings,
                        String nvmlLibrary) {
        this.driver = driver;
        this.cudaDevices = List.copyOf(cudaDevices);
        this.devices = cudaDevices.stream().map(CudaDevice::info).toList();
        this.status = status;
        this.settings = settings;
        this.nvmlLibrary = nvmlLibrary;
    }

    /** Opens the backend on the system's driver ({@value DriverSymbols#LIBRARY}) and NVML; logs one line about each. */
    public static CudaBackend open(CudaSettings settings) {
        return open(settings, DriverSymbols.LIBRARY, NvmlSymbols.LIBRARY);
    }

    /**
     * As {@link #open(CudaSettings)} with other library names: tests probe a library that does not
     * exist. Only {@value DriverSymbols#LIBRARY} can become ready, since the generated binding is
     * bound to that name.
     */
    static CudaBackend open(CudaSettings settings, String cudaLibrary, String nvmlLibrary) {
        LibraryCheck check = LibraryCheck.of(cudaLibrary, DriverSymbols.REQUIRED);
        String unusable = unusableReason(check);
        if (unusable != null) return unavailable(unusable, settings, nvmlLibrary);
        Driver driver;
        List<CudaDevice> found;
        try {
            driver = Driver.open(check);
            found = DeviceQuery.all(driver);
        } catch (GpuException e) {
            return unavailable(e.getMessage(), settings, nvmlLibrary);
        }
        if (found.isEmpty()) return unavailable("the driver reports no CUDA devices", settings, nvmlLibrary);
        String status = found.size() + " GPU(s), driver API " + DriverSymbols.versionText(driver.version())
                + ": " + found.stream().map(d -> describe(d.info())).collect(Collectors.joining("; "));
        CudaBackend backend = new CudaBackend(driver, found, status, settings, nvmlLibrary);
        LOG.info("cuda backend ready: {}", status);
        backend.applyTelemetry(settings);
        return backend;
    }

    private static String unusableReason(LibraryCheck check) {
        if (!check.loaded())
            return check.library() + " cannot be loaded, so there is no NVIDIA driver here (" + check.loadError() + ")";
        if (check.missing().isEmpty()) return null;
        String version = check.library().equals(DriverSymbols.LIBRARY) && !check.missing().contains("cuDriverGetVersion")
                ? " (it supports CUDA " + DriverSymbols.versionText(Driver.queryVersion()) + ")" : "";
        return "the NVIDIA driver is too old" + version + ": the backend needs one for CUDA "
                + DriverSymbols.versionText(DriverSymbols.MIN_DRIVER_VERSION) + " or newer (R570+); "
                + check.library() + " lacks " + String.join(", ", check.missing());
    }

    private static CudaBackend unavailable(String why, CudaSettings settings, String nvmlLibrary) {
        CudaBackend backend = new CudaBackend(null, List.of(), "no devices: " + why, settings, nvmlLibrary);
        LOG.info("cuda backend has no devices: {}", why);
        return backend;
    }

    private static String describe(GpuDevice d) {
        return d.uuid() + " " + d.name() + " (cc " + d.ccMajor() + "." + d.ccMinor() + ", "
                + (d.totalMemoryBytes() >> 20) + " MiB, " + d.multiprocessors() + " SMs, pci " + d.pciBusId() + ")";
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<GpuDevice> devices() {
        return devices;
    }

    /**
     * {@code ready: …}, {@code no devices: why}, or, after a process-fatal fault, {@code faulted: …}
     * with the fault, what to do, and the devices (which are still there: only this process's CUDA
     * is gone).
     */
    @Override
    public String status() {
        if (driver == null) return status;
        ProcessFault f = driver.fault();
        return f == null ? "ready: " + status : "faulted: " + f.describe() + ". Devices: " + status;
    }

    /**
     * True when a driver is loaded and there is at least one device; still true once faulted, as
     * the devices are listed then too.
     */
    public boolean ready() {
        return driver != null;
    }

    /**
     * True once the driver reported a process-fatal error ({@link ProcessFatalErrors}) in any
     * context: every context fails from then on, new ones are refused, and only a restart of the
     * process helps. For whatever watches the backend (the status line says the same).
     */
    public boolean faulted() {
        return fault().isPresent();
    }

    /** The first process-fatal error: which, when, and where it surfaced; empty while there was none. */
    public Optional<ProcessFault> fault() {
        return driver == null ? Optional.empty() : Optional.ofNullable(driver.fault());
    }

    /** Contexts open now. */
    public int openContexts() {
        return open.size();
    }

    @Override
    public GpuContext openContext(String gpuUuid) {
        if (driver == null)
            throw new GpuException(CudaError.INVALID_DEVICE, "cannot open a context on " + gpuUuid + ": the cuda backend has " + status);
        if (closed) throw new GpuException(CudaError.INVALID_DEVICE, "the cuda backend is stopped");
        ProcessFault fault = driver.fault();
        if (fault != null)
            throw new GpuException(fault.error(), "cannot open a context on " + gpuUuid + ": the cuda backend is faulted: "
                    + fault.describe());
        CudaDevice device = cudaDevices.stream().filter(d -> d.info().uuid().equals(gpuUuid)).findFirst()
                .orElseThrow(() -> new GpuException(CudaError.INVALID_DEVICE, "no GPU with UUID " + gpuUuid + "; this backend has "
                        + devices.stream().map(GpuDevice::uuid).collect(Collectors.joining(", "))));
        CudaContext context = CudaContext.open(driver, device, settings.context(), serials.incrementAndGet(), open::remove);
        open.add(context);
        if (closed) { // stopped while opening: do not leave it behind
            context.close();
            throw new GpuException(CudaError.INVALID_DEVICE, "the cuda backend is stopped");
        }
        return context;
    }

    @Override
    public Optional<GpuTelemetry> telemetry(String gpuUuid) {
        NvmlTelemetry t = telemetry;
        return t == null ? Optional.empty() : t.latest(gpuUuid);
    }

    /** New settings: new contexts are made with them; the telemetry period changes at once. */
    public void reconfigure(CudaSettings newSettings) {
        settings = newSettings;
        if (driver != null) applyTelemetry(newSettings);
    }

    private synchronized void applyTelemetry(CudaSettings s) {
        if (closed) return;
        NvmlTelemetry t = telemetry;
        if (!s.telemetry()) {
            if (t != null) {
                telemetry = null;
                t.close();
                LOG.info("cuda backend telemetry turned off");
            }
        } else if (t != null) {
            t.reschedule(s.telemetryPeriod());
        } else {
            try {
                telemetry = NvmlTelemetry.start(nvmlLibrary, devices, s.telemetryPeriod());
            } catch (NvmlTelemetry.Unavailable e) {
                LOG.info("cuda backend has no telemetry: {}", e.getMessage());
            }
        }
    }

    /** Closes every open context and stops telemetry. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        for (CudaContext c : List.copyOf(open)) c.close();
        NvmlTelemetry t = telemetry;
        telemetry = null;
        if (t != null) t.close();
    }
}
