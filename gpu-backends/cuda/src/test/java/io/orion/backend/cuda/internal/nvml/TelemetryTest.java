package io.orion.backend.cuda.internal.nvml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.orion.api.backend.GpuTelemetry;
import io.orion.backend.cuda.internal.CudaBackend;
import io.orion.backend.cuda.internal.CudaSettings;
import io.orion.backend.cuda.internal.FakeDriver;
import io.orion.backend.cuda.internal.TestBackends;

/** NVML sampled in the background (fake NVML: fixed readings, GPU 1 without a power sensor). */
class TelemetryTest {

    private static CudaSettings every(long millis) {
        return new CudaSettings("auto", 64 << 10, 2, Duration.ofMillis(millis));
    }

    private static GpuTelemetry await(CudaBackend backend, String uuid) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            Optional<GpuTelemetry> t = backend.telemetry(uuid);
            if (t.isPresent()) return t.get();
            Thread.sleep(10);
        }
        throw new AssertionError("no telemetry sample of " + uuid + " within 2 s");
    }

    @Test
    void samplesEveryMetricOfEachGpu() throws Exception {
        FakeDriver.require();
        Instant start = Instant.now();
        try (CudaBackend backend = TestBackends.fake(every(100))) {
            GpuTelemetry t0 = await(backend, backend.devices().get(0).uuid());
            assertTrue(t0.gpuUtilPercent() == 40 || t0.gpuUtilPercent() == 41, "util " + t0.gpuUtilPercent());
            assertEquals(20, t0.memoryUtilPercent());
            assertEquals(64L << 20, t0.memoryUsedBytes());
            assertEquals(35, t0.temperatureC());
            assertEquals(123.456, t0.powerWatts(), 1e-9);
            assertEquals(40, t0.processes().size(), "more than the first array held: asked again with room");
            assertEquals(new GpuTelemetry.ProcessMemory(1038, 39L << 20), t0.processes().get(38));
            assertEquals(new GpuTelemetry.ProcessMemory(ProcessHandle.current().pid(), 256L << 20), t0.processes().get(39));
            assertTrue(!t0.sampledAt().isBefore(start.minusSeconds(1)));

            GpuTelemetry t1 = await(backend, backend.devices().get(1).uuid());
            assertEquals(-1, t1.powerWatts(), "not supported on that board");
            assertEquals(1, t1.processes().size());
            assertTrue(backend.telemetry("GPU-unknown").isEmpty());
        }
    }

    @Test
    void samplingGoesOnInTheBackgroundAndStops() throws Exception {
        FakeDriver fake = FakeDriver.require();
        CudaBackend backend = TestBackends.fake(every(100));
        String uuid = backend.devices().get(0).uuid();
        Instant first = await(backend, uuid).sampledAt();
        Thread.sleep(350);
        assertTrue(await(backend, uuid).sampledAt().isAfter(first), "sampled again");
        backend.reconfigure(every(0));
        assertTrue(backend.telemetry(uuid).isEmpty(), "turned off");
        int samples = fake.nvmlSamples();
        Thread.sleep(300);
        assertEquals(samples, fake.nvmlSamples(), "no sampling after it was turned off");
        backend.reconfigure(every(100));
        await(backend, uuid);
        backend.close();
        samples = fake.nvmlSamples();
        Thread.sleep(300);
        assertEquals(samples, fake.nvmlSamples(), "no sampling after close");
    }

    @Test
    void withoutNvmlThereIsNoTelemetryButTheBackendIsReady() {
        FakeDriver.require();
        try (CudaBackend backend = TestBackends.fake()) { // probes a library that does not exist for NVML
            assertTrue(backend.ready());
            assertTrue(backend.telemetry(backend.devices().get(0).uuid()).isEmpty());
        }
    }

    @Test
    void nvmlItselfMissingIsReportedAsUnavailable() {
        NvmlTelemetry.Unavailable e = org.junit.jupiter.api.Assertions.assertThrows(NvmlTelemetry.Unavailable.class,
                () -> NvmlTelemetry.start(TestBackends.NO_SUCH_LIBRARY, java.util.List.of(), Duration.ofSeconds(1)));
        assertTrue(e.getMessage().startsWith(TestBackends.NO_SUCH_LIBRARY + " not found"), e.getMessage());
    }
}
