package io.orion.backend.cuda.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuBackend;
import io.orion.api.backend.GpuException;
import io.orion.logging.LogHistory;
import io.orion.logging.LogRecord;
import io.orion.testing.Bundles;
import io.orion.testing.Configs;
import io.orion.testing.LogCapture;

/**
 * The bundle in a framework on a machine without a driver (this CI machine): it registers the
 * backend, which has no devices and says why in one log line, and takes configuration in place.
 */
@ExtendWith(ServiceExtension.class)
class CudaBackendIT {
    private static final String PID = "io.orion.backend.cuda";
    private static final String WHY = "cuda backend has no devices: libcuda.so.1 cannot be loaded";

    @InjectService(filter = "(orion.backend=cuda)") GpuBackend backend;
    @InjectService ConfigurationAdmin cm;
    @InjectService LogHistory log;
    @InjectService MetaTypeService metatype;

    @AfterEach
    void restore() throws Exception {
        Configs.reset(cm, PID);
    }

    private void assumeNoDriver() {
        assumeTrue(backend.devices().isEmpty() && backend.status().contains("libcuda.so.1 cannot be loaded"),
                "this machine has a driver: " + backend.status());
    }

    @Test
    void registersWithNoDevicesAndOneLogLineSayingWhy() {
        assumeNoDriver();
        assertEquals("cuda", backend.name());
        assertTrue(backend.status().startsWith("no devices: libcuda.so.1 cannot be loaded, so there is no NVIDIA driver here"),
                backend.status());
        List<LogRecord> fromBundle = log.recent(5000).stream().filter(r -> r.logger().startsWith("io.orion.backend.cuda")).toList();
        assertEquals(1, fromBundle.size(), "one line from the cuda backend: " + fromBundle);
        assertEquals("INFO", fromBundle.getFirst().level());
        assertTrue(fromBundle.getFirst().message().startsWith(WHY), fromBundle.getFirst().message());
        GpuException e = assertThrows(GpuException.class, () -> backend.openContext("GPU-00000000-0000-0000-0000-000000000000"));
        assertEquals(CudaError.INVALID_DEVICE.code(), e.code());
        assertTrue(backend.telemetry("GPU-00000000-0000-0000-0000-000000000000").isEmpty());
    }

    @Test
    void configurationIsAppliedWithoutReactivation() throws Exception {
        assumeNoDriver();
        BundleContext ctx = Bundles.framework(getClass());
        ServiceReference<GpuBackend> before = ctx.getServiceReference(GpuBackend.class);
        try (LogCapture capture = new LogCapture(log)) {
            Configs.set(cm, PID, "contextScheduling", "spin");
            Configs.set(cm, PID, "telemetryPeriodMillis", 250L);
            Thread.sleep(Duration.ofMillis(500)); // Configuration Admin delivers asynchronously
            ServiceReference<GpuBackend> after = ctx.getServiceReference(GpuBackend.class);
            assertEquals(before.getProperty(Constants.SERVICE_ID), after.getProperty(Constants.SERVICE_ID), "same service");
            assertSame(backend, ctx.getService(after), "same component instance");
            assertTrue(!capture.contains(WHY), "not activated again: " + capture.records());
        }
    }

    @Test
    void itsConfigurationIsDescribedForOperators() {
        var bundle = Bundles.find(Bundles.framework(getClass()), "io.orion.backend.cuda").orElseThrow();
        var ocd = metatype.getMetaTypeInformation(bundle).getObjectClassDefinition(PID, null);
        assertEquals("Orion GPU backend: cuda", ocd.getName());
        List<String> ids = java.util.Arrays.stream(ocd.getAttributeDefinitions(org.osgi.service.metatype.ObjectClassDefinition.ALL))
                .map(a -> a.getID()).sorted().toList();
        assertEquals(List.of("contextScheduling", "stagingBufferBytes", "stagingBuffers", "telemetryPeriodMillis"), ids);
    }
}
