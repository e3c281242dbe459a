package io.orion.client;

import java.lang.foreign.MemorySegment;

import io.orion.api.backend.Dim3;
import io.orion.protocol.DeviceCalls;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One vGPU of a session, as CUDA's driver API presents a device. Pointers are device addresses of
 * this vGPU. A {@code null} stream is the default stream. Methods named {@code …Async} return as
 * soon as the work is sent; errors they cause are thrown by the next synchronizing call.
 */
@ProviderType
public interface Vgpu {
    int index();

    /** Name, memory (the vGPU's quota), compute capability and CUDA attributes. */
    DeviceCalls.DeviceDescription info();

    /** Free and total memory of the vGPU (its quota). */
    DeviceCalls.MemoryStatus memInfo();

    long malloc(long bytes);

    void free(long ptr);

    void memset(long ptr, int value, long bytes);

    void memsetAsync(long ptr, int value, long bytes, Stream stream);

    /** Host to device; returns when the copy is done. */
    void copyToDevice(long dst, MemorySegment src, long bytes);

    /** Host to device, queued on {@code stream}; {@code src} may be reused when the call returns. */
    void copyToDeviceAsync(long dst, MemorySegment src, long bytes, Stream stream);

    /** Device to host; returns when the data is in {@code dst}. */
    void copyFromDevice(MemorySegment dst, long src, long bytes);

    void copyOnDevice(long dst, long src, long bytes);

    void copyOnDeviceAsync(long dst, long src, long bytes, Stream stream);

    /** Loads PTX, a cubin or a fat binary. */
    Module loadModule(byte[] image);

    /** Queues a kernel; {@code args} from {@link Kernel#args()}. */
    void launch(Kernel kernel, Dim3 grid, Dim3 block, int sharedBytes, Stream stream, KernelArgs args);

    /** Blocks of {@code blockSize} threads that fit on one multiprocessor. */
    int occupancy(Kernel kernel, int blockSize, long dynamicSharedBytes);

    Stream createStream(boolean nonBlocking, int priority);

    Event createEvent(boolean timing);

    /** Waits for all work of this vGPU; throws the first asynchronous error. */
    void synchronize();
}
