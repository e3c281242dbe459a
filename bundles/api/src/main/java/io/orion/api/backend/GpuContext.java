package io.orion.api.backend;

import java.lang.foreign.MemorySegment;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An isolated device context on one GPU, owned by one vGPU session. Everything made in it
 * (memory, modules, streams, events) belongs to it and is freed when it closes.
 *
 * <p>Threads: a context may be used from any thread, and from several at once; the backend makes
 * it current where it is used. Streams order work as CUDA does: work on one stream runs in
 * order; a {@code null} stream is the context's default stream, which synchronises with the
 * others as CUDA's legacy default stream does.
 *
 * <p>Errors are {@link GpuException}s carrying CUDA's code. Errors of asynchronous work may only
 * surface at a later synchronising call, as in CUDA.
 */
@ConsumerType
public interface GpuContext extends AutoCloseable {

    GpuDevice device();

    // ---- memory -------------------------------------------------------------------------

    /** Allocates device memory; {@link CudaError#OUT_OF_MEMORY} when the device is full. */
    long memAlloc(long bytes);

    /** Frees memory from {@link #memAlloc}; {@link CudaError#INVALID_VALUE} for anything else. */
    void memFree(long devicePtr);

    /** Physical device memory free and total, as the driver sees it. */
    MemoryInfo memInfo();

    /** Sets {@code bytes} bytes to {@code value & 0xff}; asynchronous on a non-null stream. */
    void memsetD8(long devicePtr, int value, long bytes, GpuStream stream);

    /**
     * Host to device. With a {@code null} stream it returns when the copy is done. With a stream
     * it is queued; a source that is not {@link HostMemory} of this backend is first staged, so
     * the caller may reuse it as soon as the call returns.
     */
    void copyHtoD(long dst, MemorySegment src, long bytes, GpuStream stream);

    /**
     * Device to host. With a {@code null} stream it returns when the data is in {@code dst}. With
     * a stream it is queued and {@code dst} must stay valid until the stream reaches it; then it
     * should be {@link HostMemory} for the copy to be truly asynchronous.
     */
    void copyDtoH(MemorySegment dst, long src, long bytes, GpuStream stream);

    /** Device to device, in this context. */
    void copyDtoD(long dst, long src, long bytes, GpuStream stream);

    /** Pinned host memory for staging and asynchronous copies. */
    HostMemory allocHost(long bytes);

    /** Pins an existing host region (a shared-memory payload area, say) for direct copies. */
    HostMemory registerHost(MemorySegment region);

    // ---- modules and kernels ------------------------------------------------------------

    /**
     * Loads a module image: PTX text, a cubin or a fat binary, recognised by content.
     * {@link CudaError#INVALID_IMAGE}, {@link CudaError#INVALID_PTX} or
     * {@link CudaError#NO_BINARY_FOR_GPU} when it cannot be used, with the reason in the message.
     */
    GpuModule loadModule(MemorySegment image);

    void unloadModule(GpuModule module);

    /** A kernel of a module, with its parameter layout; {@link CudaError#NOT_FOUND} if absent. */
    GpuFunction function(GpuModule module, String name);

    /** A module-scope variable; {@link CudaError#NOT_FOUND} if absent. */
    DeviceSymbol global(GpuModule module, String name);

    FunctionAttributes attributes(GpuFunction function);

    /** How many blocks of this size can be resident on one multiprocessor. */
    int maxActiveBlocksPerMultiprocessor(GpuFunction function, int blockSize, long dynamicSharedBytes);

    /**
     * Queues a kernel launch. {@code args} holds the parameters packed as
     * {@link GpuFunction#params()} lays them out; it may be reused once the call returns.
     */
    void launch(GpuFunction function, Dim3 grid, Dim3 block, int dynamicSharedBytes, GpuStream stream,
                MemorySegment args);

    // ---- streams, events, synchronisation -----------------------------------------------

    /** A new stream; {@code nonBlocking} as {@code CU_STREAM_NON_BLOCKING}; lower priority runs first. */
    GpuStream createStream(boolean nonBlocking, int priority);

    void destroyStream(GpuStream stream);

    /** Waits until all work queued on the stream is done. */
    void synchronize(GpuStream stream);

    /** True when all work queued on the stream is done. */
    boolean isIdle(GpuStream stream);

    /** Makes later work on {@code stream} wait for {@code event}. */
    void waitEvent(GpuStream stream, GpuEvent event);

    /** A new event; {@code timing} false makes it cheaper and unusable for {@link #elapsedMillis}. */
    GpuEvent createEvent(boolean timing, boolean blockingSync);

    void destroyEvent(GpuEvent event);

    void record(GpuEvent event, GpuStream stream);

    /** Waits for the event's recorded work. */
    void synchronize(GpuEvent event);

    /** True when the event's recorded work is done. */
    boolean isComplete(GpuEvent event);

    /** Milliseconds between two recorded, completed events. */
    float elapsedMillis(GpuEvent start, GpuEvent end);

    /** Waits until all work of this context is done; reports the first asynchronous error. */
    void synchronize();

    /** Frees everything made in this context and destroys it. */
    @Override
    void close();
}
