package io.orion.client;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A session with a server: one per program, holding its vGPUs. Thread-safe; calls are sent one at
 * a time. {@link #close} says goodbye, and the server frees everything at once.
 */
@ProviderType
public interface VgpuSession extends AutoCloseable {

    /** The session id (it survives reconnects). */
    long id();

    /** The transport in use now: {@code tcp} or {@code shm}. */
    String transport();

    int deviceCount();

    /** A vGPU by device number. */
    Vgpu device(int index);

    /**
     * Host memory the devices copy to and from fastest: on shared memory it lies in the region the
     * server registered with the GPU, so copies never travel through the connection. Falls back to
     * ordinary off-heap memory where there is no region (TCP) or it is full.
     */
    HostBuffer allocHost(long bytes);

    /** Round trip to the server, for measuring; it also waits until everything sent before is handled. */
    void ping();

    /** Times the connection broke and the session was resumed. */
    int resumes();

    /** Ends the session; the server frees everything it holds. */
    @Override
    void close();
}
