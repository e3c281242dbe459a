package io.orion.client;

import java.lang.foreign.MemorySegment;

import org.osgi.annotation.versioning.ProviderType;

/** Host memory from {@link VgpuSession#allocHost}. Closing it gives it back. */
@ProviderType
public interface HostBuffer extends AutoCloseable {
    MemorySegment segment();

    /** Whether it lies in the shared region (copies to and from it are zero-copy). */
    boolean shared();

    @Override
    void close();
}
