package io.orion.backend.host.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.Set;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.MemoryInfo;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Device memory: addresses, accounting, out-of-memory, bad pointers, isolation, and kernels that stray. */
class DeviceMemoryTest {
    private TestDevice dev;

    @BeforeEach
    void open() {
        dev = new TestDevice(4, 2); // a 4 MiB device
    }

    @AfterEach
    void close() {
        dev.close();
    }

    @Test
    void allocationsAreAlignedDistinctAndInTheDeviceWindow() {
        Set<Long> seen = new HashSet<>();
        long previousEnd = 0;
        for (int i = 0; i < 50; i++) {
            long p = dev.ctx().memAlloc(1 + i * 37);
            assertEquals(0, p % 256, "256-byte aligned");
            assertTrue(p >= HostDevice.ADDRESS_BASE && p < HostDevice.ADDRESS_BASE + HostDevice.ADDRESS_WINDOW);
            assertTrue(p >= previousEnd, "no overlap");
            previousEnd = p + 1 + i * 37;
            assertTrue(seen.add(p));
        }
    }

    @Test
    void memInfoAccountsAllocationsAndOutOfMemoryBehavesLikeAGpu() {
        MemoryInfo before = dev.ctx().memInfo();
        assertEquals(4L << 20, before.totalBytes());
        long a = dev.ctx().memAlloc(3 << 20);
        assertEquals(before.freeBytes() - (3 << 20), dev.ctx().memInfo().freeBytes());
        GpuException oom = assertThrows(GpuException.class, () -> dev.ctx().memAlloc(2 << 20));
        assertEquals(CudaError.OUT_OF_MEMORY, oom.error());
        assertTrue(oom.getMessage().contains("2097152"), oom.getMessage());
        dev.ctx().memFree(a);
        assertEquals(before.freeBytes(), dev.ctx().memInfo().freeBytes());
        dev.ctx().memFree(dev.ctx().memAlloc(2 << 20)); // fits again
    }

    @Test
    void theBudgetIsSharedByAllContextsOfADevice() {
        try (GpuContext other = dev.backend.openContext(dev.backend.devices().get(0).uuid())) {
            long mine = dev.ctx().memAlloc(3 << 20);
            assertEquals(CudaError.OUT_OF_MEMORY, assertThrows(GpuException.class, () -> other.memAlloc(2 << 20)).error());
            // Isolation: the other context does not know this context's pointer.
            assertEquals(CudaError.INVALID_VALUE, assertThrows(GpuException.class, () -> other.memFree(mine)).error());
            assertEquals(CudaError.INVALID_VALUE, assertThrows(GpuException.class,
                    () -> other.copyDtoH(MemorySegment.ofArray(new byte[4]), mine, 4, null)).error());
        }
    }

    @Test
    void badPointersAndSizesAreInvalidValues() {
        long p = dev.ctx().memAlloc(1000);
        assertEquals(CudaError.INVALID_VALUE, assertThrows(GpuException.class, () -> dev.ctx().memAlloc(0)).error());
        assertEquals(CudaError.INVALID_VALUE, assertThrows(GpuException.class, () -> dev.ctx().memAlloc(-5)).error());
        assertEquals(CudaError.INVALID_VALUE, assertThrows(GpuException.class, () -> dev.ctx().memFree(p + 4)).error());
        assertEquals(CudaError.INVALID_VALUE, assertThrows(GpuException.class, () -> dev.ctx().memFree(12345)).error());
        byte[] buf = new byte[16];
        GpuException beyond = assertThrows(GpuException.class, () -> dev.ctx().copyHtoD(p + 990, MemorySegment.ofArray(buf), 16, null));
        assertEquals(CudaError.INVALID_VALUE, beyond.error());
        assertTrue(beyond.getMessage().contains(Long.toHexString(p + 990)), beyond.getMessage());
        assertEquals(CudaError.INVALID_VALUE, assertThrows(GpuException.class,
                () -> dev.ctx().copyHtoD(p, MemorySegment.ofArray(buf), 32, null)).error()); // host side too small
        assertEquals(CudaError.INVALID_VALUE, assertThrows(GpuException.class, () -> dev.ctx().memsetD8(p - 1, 0, 4, null)).error());
        dev.ctx().memFree(p);
        assertEquals(CudaError.INVALID_VALUE, assertThrows(GpuException.class, () -> dev.ctx().memFree(p)).error());
    }

    @Test
    void addressesAreReusedSoLongSessionsNeverRunOut() {
        long first = dev.ctx().memAlloc(1 << 20);
        dev.ctx().memFree(first);
        long again = dev.ctx().memAlloc(1 << 20);
        assertEquals(first, again);
    }

    @Test
    void closingTheContextFreesItsMemory() {
        GpuContext other = dev.backend.openContext(dev.backend.devices().get(0).uuid());
        other.memAlloc(3 << 20);
        other.close();
        dev.ctx().memFree(dev.ctx().memAlloc(3 << 20));
        assertEquals(CudaError.INVALID_CONTEXT, assertThrows(GpuException.class, () -> other.memAlloc(16)).error());
    }

    @Test
    void aKernelOutsideItsMemoryFailsWithIllegalAddressAtTheNextSynchronisation() {
        GpuFunction peek = dev.ctx().function(dev.loadPtx(TestPtx.STREAMS), "peek");
        long buf = dev.upload(new int[] {7, 8});
        long out = dev.ctx().memAlloc(4);
        dev.ctx().launch(peek, Dim3.of(1), Dim3.of(1), 0, null, TestDevice.args(peek, buf + 4, out));
        dev.ctx().synchronize();
        assertArrayEquals(new int[] {8}, dev.ints(out, 1));
        long stray = buf + 4096;
        dev.ctx().launch(peek, Dim3.of(1), Dim3.of(1), 0, null, TestDevice.args(peek, stray, out)); // queued, no error yet
        GpuException e = assertThrows(GpuException.class, () -> dev.ctx().synchronize());
        assertEquals(CudaError.ILLEGAL_ADDRESS, e.error());
        assertTrue(e.getMessage().contains(Long.toHexString(stray)) && e.getMessage().contains("kernel 'peek'")
                && e.getMessage().contains("ld.global.u32"), e.getMessage());
        // Sticky: the context is unusable from now on, as a CUDA context is after an illegal address.
        assertEquals(CudaError.ILLEGAL_ADDRESS, assertThrows(GpuException.class, () -> dev.ctx().memAlloc(16)).error());
    }

    @Test
    void misalignedAccessIsReportedAsSuch() {
        GpuFunction peek = dev.ctx().function(dev.loadPtx(TestPtx.STREAMS), "peek");
        long buf = dev.upload(new int[] {1, 2, 3});
        long out = dev.ctx().memAlloc(4);
        dev.ctx().launch(peek, Dim3.of(1), Dim3.of(1), 0, null, TestDevice.args(peek, buf + 2, out));
        GpuException e = assertThrows(GpuException.class, () -> dev.ctx().synchronize());
        assertEquals(CudaError.MISALIGNED_ADDRESS, e.error());
        assertNotEquals(-1, e.getMessage().indexOf(Long.toHexString(buf + 2)), e.getMessage());
    }
}
