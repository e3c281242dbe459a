package io.orion.backend.cuda.internal.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import org.junit.jupiter.api.Test;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.DeviceAttribute;
import io.orion.backend.cuda.internal.ffi.CudaConstants;

/**
 * The API's CUDA codes against cuda.h, through the generated constants. CudaConstants loads no
 * library, so this needs no driver (and shows that its class initialisation cannot fail).
 */
class ConstantsTest {

    @Test
    void everyDeviceAttributeCodeOfTheApiIsCudas() throws Exception {
        int checked = 0;
        for (Field f : DeviceAttribute.class.getFields()) {
            int header = (int) CudaConstants.class.getMethod("CU_DEVICE_ATTRIBUTE_" + f.getName()).invoke(null);
            assertEquals(header, f.getInt(null), "DeviceAttribute." + f.getName());
            checked++;
        }
        assertEquals(39, checked);
        assertTrue(CudaConstants.CU_DEVICE_ATTRIBUTE_MAX() > DeviceAttribute.MAX_BLOCKS_PER_MULTIPROCESSOR);
    }

    @Test
    void everyCudaErrorOfTheApiIsCudas() throws Exception {
        int checked = 0;
        for (Field f : CudaError.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || f.getType() != CudaError.class) continue;
            CudaError e = (CudaError) f.get(null);
            if (e == CudaError.INSUFFICIENT_DRIVER) continue; // the runtime's code; cuda.h has no such CUresult
            int header = (int) CudaConstants.class.getMethod(e.name()).invoke(null);
            assertEquals(header, e.code(), e.name());
            checked++;
        }
        assertEquals(30, checked);
    }

    @Test
    void theHeaderIsCuda13() {
        assertEquals(13000, CudaConstants.CUDA_VERSION());
        assertEquals("13.0", DriverSymbols.versionText(CudaConstants.CUDA_VERSION()));
        assertEquals("12.8", DriverSymbols.versionText(DriverSymbols.MIN_DRIVER_VERSION));
    }
}
