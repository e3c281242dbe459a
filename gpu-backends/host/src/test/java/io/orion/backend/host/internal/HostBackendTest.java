package io.orion.backend.host.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.DeviceAttribute;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuDevice;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuTelemetry;

import org.junit.jupiter.api.Test;

/** The component: devices, their identity and attributes, contexts, configuration and shutdown. */
class HostBackendTest {

    @Test
    void devicesLookLikeGpus() {
        HostBackend backend = new HostBackend(2, 1024, "Orion Host Device (CPU)", 3);
        try {
            assertEquals("host", backend.name());
            List<GpuDevice> devices = backend.devices();
            assertEquals(2, devices.size());
            GpuDevice d = devices.get(1);
            assertEquals(1, d.ordinal());
            assertTrue(d.uuid().matches("GPU-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), d.uuid());
            assertNotEquals(devices.get(0).uuid(), d.uuid());
            assertEquals(1024L << 20, d.totalMemoryBytes());
            assertEquals(3, d.multiprocessors());
            assertEquals(9, d.ccMajor());
            assertEquals(0, d.ccMinor());
            assertEquals("", d.pciBusId());
            int[] needed = {DeviceAttribute.MAX_THREADS_PER_BLOCK, DeviceAttribute.MAX_BLOCK_DIM_X, DeviceAttribute.MAX_GRID_DIM_X,
                DeviceAttribute.MAX_SHARED_MEMORY_PER_BLOCK, DeviceAttribute.TOTAL_CONSTANT_MEMORY, DeviceAttribute.WARP_SIZE,
                DeviceAttribute.MAX_REGISTERS_PER_BLOCK, DeviceAttribute.CLOCK_RATE, DeviceAttribute.MULTIPROCESSOR_COUNT,
                DeviceAttribute.COMPUTE_CAPABILITY_MAJOR, DeviceAttribute.COMPUTE_CAPABILITY_MINOR, DeviceAttribute.L2_CACHE_SIZE,
                DeviceAttribute.MAX_THREADS_PER_MULTIPROCESSOR, DeviceAttribute.MAX_SHARED_MEMORY_PER_MULTIPROCESSOR,
                DeviceAttribute.MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, DeviceAttribute.MAX_BLOCKS_PER_MULTIPROCESSOR,
                DeviceAttribute.UNIFIED_ADDRESSING, DeviceAttribute.CONCURRENT_KERNELS, DeviceAttribute.MEMORY_CLOCK_RATE,
                DeviceAttribute.GLOBAL_MEMORY_BUS_WIDTH, DeviceAttribute.ASYNC_ENGINE_COUNT};
            for (int code : needed) assertTrue(d.attributes().containsKey(code), "attribute " + code);
            assertEquals(32, d.attribute(DeviceAttribute.WARP_SIZE, 0));
            assertEquals(3, d.attribute(DeviceAttribute.MULTIPROCESSOR_COUNT, 0));
            assertEquals(0, d.attribute(DeviceAttribute.MANAGED_MEMORY, -1), "no managed memory");
            assertTrue(d.attributes().size() > 80, "a full attribute map: " + d.attributes().size());
            assertTrue(backend.status().contains("interpreting PTX") && backend.status().contains("2 CPU device"), backend.status());
        } finally {
            backend.deactivate();
        }
    }

    @Test
    void uuidsAreStableAcrossRestarts() {
        assertEquals(HostDevice.uuid("node-a", 0), HostDevice.uuid("node-a", 0));
        assertNotEquals(HostDevice.uuid("node-a", 0), HostDevice.uuid("node-b", 0));
        HostBackend first = new HostBackend(1, 64, "x", 1);
        String uuid = first.devices().get(0).uuid();
        first.deactivate();
        HostBackend second = new HostBackend(1, 64, "y", 1);
        assertEquals(uuid, second.devices().get(0).uuid());
        second.deactivate();
    }

    @Test
    void contextsOpenOnKnownDevicesAndCloseWithTheBackend() {
        HostBackend backend = new HostBackend(1, 64, "x", 1);
        String uuid = backend.devices().get(0).uuid();
        assertEquals(CudaError.INVALID_DEVICE, assertThrows(GpuException.class, () -> backend.openContext("GPU-nope")).error());
        GpuContext c = backend.openContext(uuid);
        c.memAlloc(1 << 20);
        assertEquals(1, backend.openContexts());
        GpuTelemetry t = backend.telemetry(uuid).orElseThrow();
        assertEquals(1 << 20, t.memoryUsedBytes());
        assertFalse(backend.telemetry("GPU-nope").isPresent());
        backend.deactivate();
        assertEquals(0, backend.openContexts());
        assertEquals(CudaError.INVALID_CONTEXT, assertThrows(GpuException.class, () -> c.memAlloc(16)).error());
        assertEquals(CudaError.DEINITIALIZED, assertThrows(GpuException.class, () -> backend.openContext(uuid)).error());
    }

    @Test
    void badConfigurationIsRefusedNamingTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new HostBackend(1, 0, "x", 1));
        assertTrue(e.getMessage().contains("memoryMiB") && e.getMessage().contains("0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HostBackend(-1, 64, "x", 1));
        assertThrows(IllegalArgumentException.class, () -> new HostBackend(1, 64, "x", -2));
        HostBackend none = new HostBackend(0, 64, "x", 1);
        assertTrue(none.devices().isEmpty());
        assertTrue(none.status().contains("no devices"), none.status());
        none.deactivate();
    }
}
