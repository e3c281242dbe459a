package io.orion.client.bench;

/**
 * What one way of calling the GPU must do for the benchmark: launch the empty kernel, wait for the
 * device, and copy between a host buffer of its best kind and device memory.
 */
interface Target extends AutoCloseable {
    String name();

    void launch();

    void synchronize();

    /** Host to device, {@code bytes} from the target's host buffer, synchronous. */
    void toDevice(long bytes);

    /** Device to host, synchronous. */
    void fromDevice(long bytes);

    @Override
    void close();
}
