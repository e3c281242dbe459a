package io.orion.backend.cuda.gpu;

import java.util.Optional;
import java.util.regex.Pattern;

import io.orion.api.backend.DeviceAttribute;
import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuDevice;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.GpuModule;
import io.orion.api.backend.GpuTelemetry;

/** What the backend says about the GPUs, and NVML telemetry. */
final class DeviceChecks {
    private DeviceChecks() {}

    private static final Pattern UUID = Pattern.compile("GPU-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern PCI = Pattern.compile("[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-9]");

    static void all(SuiteRunner r, Fixture f) {
        r.check("device: identity, memory, SMs, compute capability, PCI bus id", () -> {
            for (GpuDevice d : f.backend.devices()) {
                Expect.that(UUID.matcher(d.uuid()).matches(), "uuid " + d.uuid());
                Expect.that(!d.name().isBlank(), "name");
                Expect.that(d.totalMemoryBytes() > (1L << 30), "memory " + d.totalMemoryBytes());
                Expect.that(d.multiprocessors() > 0, "SMs");
                Expect.that(d.ccMajor() >= 5, "compute capability " + d.ccMajor() + "." + d.ccMinor());
                Expect.that(PCI.matcher(d.pciBusId()).matches(), "pci bus id " + d.pciBusId());
            }
        });
        r.check("device: every attribute cudaGetDeviceProperties needs, queried by code", () -> {
            GpuDevice d = f.device;
            for (var field : DeviceAttribute.class.getFields()) {
                int code = field.getInt(null);
                Expect.that(d.attributes().containsKey(code), "attribute " + field.getName() + " (" + code + ") missing");
            }
            Expect.that(d.attributes().size() >= 100, "only " + d.attributes().size() + " attributes");
            Expect.equal(32, d.attribute(DeviceAttribute.WARP_SIZE, -1), "warp size");
            Expect.equal(d.multiprocessors(), d.attribute(DeviceAttribute.MULTIPROCESSOR_COUNT, -1), "SM attribute");
            Expect.equal(1024, d.attribute(DeviceAttribute.MAX_THREADS_PER_BLOCK, -1), "max threads per block");
        });
        r.check("device: a context on every GPU runs a kernel", () -> {
            for (GpuDevice d : f.backend.devices()) {
                try (GpuContext ctx = f.backend.openContext(d.uuid())) {
                    Expect.equal(d, ctx.device(), "context device");
                    GpuModule m = f.load(ctx);
                    GpuFunction empty = ctx.function(m, "orion_empty");
                    ctx.launch(empty, Dim3.of(1), Dim3.of(32), 0, null, null);
                    ctx.synchronize();
                }
            }
        });
        r.check("telemetry: NVML samples in the background; reading never blocks", () -> {
            GpuTelemetry t = awaitSample(f);
            Expect.that(t.gpuUtilPercent() >= 0 && t.gpuUtilPercent() <= 100, "gpu util " + t.gpuUtilPercent());
            Expect.that(t.memoryUtilPercent() >= 0 && t.memoryUtilPercent() <= 100, "memory util " + t.memoryUtilPercent());
            Expect.that(t.memoryUsedBytes() > 0 && t.memoryUsedBytes() <= f.device.totalMemoryBytes(), "memory used " + t.memoryUsedBytes());
            Expect.that(t.temperatureC() > 0 && t.temperatureC() < 120, "temperature " + t.temperatureC());
            Expect.that(t.powerWatts() > 0 || t.powerWatts() == -1, "power " + t.powerWatts());
            long t0 = System.nanoTime();
            for (int i = 0; i < 10_000; i++) f.backend.telemetry(f.device.uuid());
            double usEach = (System.nanoTime() - t0) / 1e3 / 10_000;
            Expect.that(usEach < 20, "reading telemetry took " + usEach + " us");
            r.note(String.format("telemetry: gpu %d%%, mem %d%%, used %d MiB, %d C, %.1f W, %d process(es)",
                    t.gpuUtilPercent(), t.memoryUtilPercent(), t.memoryUsedBytes() >> 20, t.temperatureC(), t.powerWatts(),
                    t.processes().size()));
        });
        r.check("telemetry: per-process memory includes this process's context", () -> {
            try (GpuContext ctx = f.open()) {
                ctx.memAlloc(256L << 20);
                long pid = ProcessHandle.current().pid();
                long deadline = System.nanoTime() + 5_000_000_000L;
                Optional<GpuTelemetry.ProcessMemory> mine = Optional.empty();
                while (mine.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                    mine = f.backend.telemetry(f.device.uuid()).orElseThrow().processes().stream()
                            .filter(p -> p.pid() == pid).findFirst();
                }
                if (mine.isPresent()) {
                    Expect.that(mine.get().usedBytes() >= (256L << 20) || mine.get().usedBytes() == -1,
                            "this process uses " + mine.get().usedBytes() + " bytes");
                } else {
                    // in a container NVML reports host PIDs, or none: a limit of the place, not of the backend
                    var seen = f.backend.telemetry(f.device.uuid()).orElseThrow().processes();
                    r.note("pid " + pid + " is not among the " + seen.size() + " processes NVML lists"
                            + (seen.isEmpty() ? "" : ", e.g. " + seen.subList(0, Math.min(3, seen.size()))) + " (a PID namespace?)");
                }
            }
        });
    }

    static GpuTelemetry awaitSample(Fixture f) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            Optional<GpuTelemetry> t = f.backend.telemetry(f.device.uuid());
            if (t.isPresent()) return t.get();
            Thread.sleep(10);
        }
        throw new Expect.Failure("no telemetry within 3 s: " + f.backend.status() + " (see the log for NVML)");
    }
}
