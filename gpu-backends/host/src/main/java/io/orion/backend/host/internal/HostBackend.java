package io.orion.backend.host.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuBackend;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuDevice;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuTelemetry;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host backend: GPUs made of CPU. Device memory is off-heap memory with device addresses and a
 * fixed capacity; kernels run by interpreting their PTX on a pool of worker threads. It always has
 * its configured devices, so the platform runs, and is tested, on machines without a GPU.
 */
@Component(immediate = true, configurationPid = HostBackend.PID, service = GpuBackend.class,
        property = GpuBackend.NAME_PROPERTY + "=" + HostBackend.NAME)
@Designate(ocd = HostBackendConfig.class)
public final class HostBackend implements GpuBackend {
    static final String PID = "io.orion.backend.host";
    static final String NAME = "host";
    private static final Logger LOG = LoggerFactory.getLogger(HostBackend.class);

    private final List<HostDevice> devices;
    private final int workerCount;
    private final ExecutorService workers;
    private final ExecutorService streams;
    private final Set<HostContext> contexts = ConcurrentHashMap.newKeySet();
    private final String status;
    private final HostClock clock;

    @Activate
    public HostBackend(HostBackendConfig config) {
        this(config.devices(), config.memoryMiB(), config.deviceName(), config.workerThreads());
    }

    /** For tests and embedding: the same as the configuration's four properties. */
    HostBackend(int deviceCount, long memoryMiB, String deviceName, int workerThreads) {
        this(deviceCount, memoryMiB, deviceName, workerThreads, HostClock.SYSTEM);
    }

    /** As the other, with the clock its events read (a test's, to time work exactly). */
    HostBackend(int deviceCount, long memoryMiB, String deviceName, int workerThreads, HostClock clock) {
        if (clock == null) throw new IllegalArgumentException("clock must not be null");
        this.clock = clock;
        if (deviceCount < 0) throw new IllegalArgumentException("devices must be >= 0, was " + deviceCount);
        if (memoryMiB < 1) throw new IllegalArgumentException("memoryMiB must be >= 1, was " + memoryMiB);
        if (workerThreads < 0) throw new IllegalArgumentException("workerThreads must be >= 0, was " + workerThreads);
        this.workerCount = workerThreads == 0 ? Runtime.getRuntime().availableProcessors() : workerThreads;
        String name = deviceName == null || deviceName.isBlank() ? "Orion Host Device (CPU)" : deviceName;
        List<HostDevice> list = new ArrayList<>();
        for (int i = 0; i < deviceCount; i++) list.add(HostDevice.create(i, name, memoryMiB * 1024 * 1024, workerCount));
        this.devices = List.copyOf(list);
        this.workers = Executors.newFixedThreadPool(workerCount, named("orion-host-worker"));
        this.streams = Executors.newCachedThreadPool(named("orion-host-stream"));
        this.status = deviceCount == 0
                ? "host backend: configured with no devices"
                : "ready: " + deviceCount + " CPU device(s) interpreting PTX (" + memoryMiB + " MiB each, "
                        + workerCount + " worker threads), no GPU needed";
        LOG.info("host backend {}", status);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<GpuDevice> devices() {
        return devices.stream().map(d -> d.info).toList();
    }

    @Override
    public String status() {
        return status;
    }

    @Override
    public GpuContext openContext(String gpuUuid) {
        HostDevice device = find(gpuUuid);
        if (workers.isShutdown()) throw new GpuException(CudaError.DEINITIALIZED, "the host backend has stopped");
        HostContext c = new HostContext(device, streams, workers, workerCount, clock, contexts::remove);
        contexts.add(c);
        return c;
    }

    @Override
    public Optional<GpuTelemetry> telemetry(String gpuUuid) {
        for (HostDevice d : devices) if (d.info.uuid().equals(gpuUuid)) return Optional.of(d.telemetry());
        return Optional.empty();
    }

    /** Contexts open now. */
    int openContexts() {
        return contexts.size();
    }

    private HostDevice find(String uuid) {
        for (HostDevice d : devices) if (d.info.uuid().equals(uuid)) return d;
        throw new GpuException(CudaError.INVALID_DEVICE, "no host device with UUID " + uuid);
    }

    @Deactivate
    void deactivate() {
        for (HostContext c : contexts.toArray(new HostContext[0])) {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.warn("closing a context of the stopping host backend failed", e);
            }
        }
        workers.shutdownNow();
        streams.shutdownNow();
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
