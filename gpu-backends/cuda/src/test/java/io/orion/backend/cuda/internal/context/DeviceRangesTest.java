package io.orion.backend.cuda.internal.context;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;

class DeviceRangesTest {
    private final DeviceRanges ranges = new DeviceRanges();

    @Test
    void accessesMustLieInsideOneRange() {
        ranges.add(0x1000, 0x100, DeviceRanges.Kind.ALLOCATION);
        ranges.add(0x1100, 0x100, DeviceRanges.Kind.ALLOCATION);
        assertDoesNotThrow(() -> ranges.check(0x1000, 0x100, "x"));
        assertDoesNotThrow(() -> ranges.check(0x10ff, 1, "x"));
        assertDoesNotThrow(() -> ranges.check(0x1200, 0, "x"), "an empty access at the end");
        GpuException across = assertThrows(GpuException.class, () -> ranges.check(0x10ff, 2, "copy source"));
        assertEquals(CudaError.INVALID_VALUE.code(), across.code());
        assertEquals("CUDA_ERROR_INVALID_VALUE: copy source 0x10ff (2 bytes) is not inside memory of this context "
                + "(freed, out of bounds, or another context's)", across.getMessage());
        assertThrows(GpuException.class, () -> ranges.check(0xfff, 1, "x"));
        assertThrows(GpuException.class, () -> ranges.check(0x1000, Long.MAX_VALUE, "x"), "no overflow");
    }

    @Test
    void aRangeFoundBeforeIsNotTrustedOnceRemoved() {
        ranges.add(0x1000, 0x100, DeviceRanges.Kind.ALLOCATION);
        ranges.add(0x2000, 0x100, DeviceRanges.Kind.GLOBAL);
        ranges.check(0x1000, 8, "x"); // both remembered now
        ranges.check(0x2000, 8, "x");
        ranges.removeAllocation(0x1000);
        assertThrows(GpuException.class, () -> ranges.check(0x1000, 8, "x"), "freed");
        ranges.removeGlobal(0x2000);
        assertThrows(GpuException.class, () -> ranges.check(0x2000, 8, "x"), "unloaded");
        ranges.add(0x3000, 0x100, DeviceRanges.Kind.GLOBAL);
        ranges.check(0x3000, 0x100, "x");
        ranges.add(0x3000, 0x10, DeviceRanges.Kind.GLOBAL); // the same address again, smaller (a module loaded anew)
        assertThrows(GpuException.class, () -> ranges.check(0x3000, 0x100, "x"), "the old size is forgotten");
        assertDoesNotThrow(() -> ranges.check(0x3000, 0x10, "x"));
    }

    @Test
    void onlyAllocationsAreFreedAndOnlyOnce() {
        ranges.add(0x1000, 0x100, DeviceRanges.Kind.ALLOCATION);
        ranges.add(0x2000, 4, DeviceRanges.Kind.GLOBAL);
        assertEquals(0x104, ranges.allocatedBytes() + 4);
        assertThrows(GpuException.class, () -> ranges.removeAllocation(0x2000), "a global is not freed");
        assertThrows(GpuException.class, () -> ranges.removeAllocation(0x1010), "not the start");
        ranges.removeAllocation(0x1000);
        assertThrows(GpuException.class, () -> ranges.removeAllocation(0x1000));
        assertThrows(GpuException.class, () -> ranges.check(0x1000, 1, "x"));
        ranges.removeGlobal(0x2000);
        assertThrows(GpuException.class, () -> ranges.check(0x2000, 1, "x"));
    }
}
