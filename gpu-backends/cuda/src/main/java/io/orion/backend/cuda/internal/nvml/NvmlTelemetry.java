package io.orion.backend.cuda.internal.nvml;

import java.lang.foreign.MemorySegment;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.orion.api.backend.GpuDevice;
import io.orion.api.backend.GpuTelemetry;
import io.orion.backend.cuda.internal.driver.LibraryCheck;
import io.orion.backend.cuda.internal.ffi.Nvml;

/**
 * GPU telemetry from NVML, sampled on one background thread at a fixed period; callers read the
 * latest sample and never wait for NVML (which can take milliseconds per call).
 */
public final class NvmlTelemetry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NvmlTelemetry.class);

    private final Map<String, NvmlSampler> samplers;
    private final Map<String, GpuTelemetry> latest = new ConcurrentHashMap<>();
    private final ScheduledExecutorService thread;
    private ScheduledFuture<?> schedule;

    /** Why there is no telemetry: NVML missing, incomplete, or failing to start. */
    public static final class Unavailable extends Exception {
        @java.io.Serial private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message);
        }
    }

    private NvmlTelemetry(Map<String, NvmlSampler> samplers, Duration period) {
        this.samplers = samplers;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "orion-cuda-telemetry");
            t.setDaemon(true);
            return t;
        });
        reschedule(period);
    }

    /**
     * Opens NVML ({@code library}, normally {@link NvmlSymbols#LIBRARY}) and starts sampling the
     * given GPUs every {@code period}.
     *
     * @throws Unavailable with the reason, for one log line
     */
    public static NvmlTelemetry start(String library, List<GpuDevice> devices, Duration period) throws Unavailable {
        LibraryCheck check = LibraryCheck.of(library, NvmlSymbols.REQUIRED);
        if (!check.loaded()) throw new Unavailable(library + " not found (" + check.loadError() + ")");
        if (!check.missing().isEmpty()) throw new Unavailable(library + " lacks " + String.join(", ", check.missing()));
        try {
            NvmlException.check(Nvml.nvmlInit_v2(), "nvmlInit");
        } catch (NvmlException e) {
            throw new Unavailable(e.getMessage());
        }
        Map<String, NvmlSampler> samplers = new LinkedHashMap<>();
        Clock clock = Clock.systemUTC();
        for (GpuDevice d : devices) {
            try {
                MemorySegment handle = NvmlSampler.handleOf(d.uuid());
                samplers.put(d.uuid(), new NvmlSampler(handle, clock));
            } catch (NvmlException e) {
                LOG.warn("no telemetry for {}: {}", d.uuid(), e.getMessage());
            }
        }
        return new NvmlTelemetry(Map.copyOf(samplers), period);
    }

    /** The latest sample; empty before the first one or for a GPU NVML does not know. */
    public Optional<GpuTelemetry> latest(String uuid) {
        return Optional.ofNullable(latest.get(uuid));
    }

    /** The GPUs being sampled. */
    public int deviceCount() {
        return samplers.size();
    }

    /** Samples every {@code period} from now on, the first at once. */
    public synchronized void reschedule(Duration period) {
        if (schedule != null) schedule.cancel(false);
        schedule = thread.scheduleWithFixedDelay(this::sampleAll, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sampleAll() {
        samplers.forEach((uuid, sampler) -> {
            try {
                latest.put(uuid, sampler.sample());
            } catch (RuntimeException e) { // keep sampling the others and the next period
                LOG.debug("telemetry sample of {} failed", uuid, e);
            }
        });
    }

    /** Stops sampling and shuts NVML down. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) LOG.warn("the telemetry thread did not stop within 5 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int rc = Nvml.nvmlShutdown();
        if (rc != Nvml.NVML_SUCCESS()) LOG.debug("nvmlShutdown returned {}", rc);
    }
}
