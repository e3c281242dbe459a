package io.orion.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;
import io.orion.backend.cuda.internal.driver.DriverSymbols;
import io.orion.backend.cuda.internal.driver.LibraryCheck;
import io.orion.backend.cuda.internal.ffi.CudaConstants;

/**
 * Runs in its own JVM (surefire execution "no-driver") whose library path has no fake driver: the
 * state of every CI machine and of any node without an NVIDIA driver. The component must come up,
 * report no devices and say why; nothing may fail at class initialisation.
 */
class NoDriverTest {

    @Test
    void theComponentComesUpWithNoDevicesAndSaysWhy() {
        assumeTrue(!LibraryCheck.of(DriverSymbols.LIBRARY, DriverSymbols.REQUIRED).loaded(),
                "this machine has a libcuda.so.1, so the no-driver path cannot be shown here");
        CudaBackendComponent c = new CudaBackendComponent(new SettingsTest.Config("auto", 8 << 20, 4, 1000));
        assertEquals("cuda", c.name());
        assertTrue(c.devices().isEmpty());
        assertTrue(c.status().startsWith("no devices: libcuda.so.1 cannot be loaded, so there is no NVIDIA driver here"),
                c.status());
        GpuException e = assertThrows(GpuException.class, () -> c.openContext("GPU-00000000-0000-0000-0000-000000000000"));
        assertEquals(CudaError.INVALID_DEVICE.code(), e.code());
        assertTrue(c.telemetry("GPU-00000000-0000-0000-0000-000000000000").isEmpty());
        c.modified(new SettingsTest.Config("spin", 8 << 20, 4, 500));
        c.deactivate();
    }

    @Test
    void theConstantsNeedNoLibrary() {
        assertEquals(13000, CudaConstants.CUDA_VERSION());
        assertEquals(CudaConstants.CU_CTX_SCHED_SPIN(), CudaSettings.from(new SettingsTest.Config("spin", 8 << 20, 4, 0))
                .context().schedulingFlags());
    }
}
