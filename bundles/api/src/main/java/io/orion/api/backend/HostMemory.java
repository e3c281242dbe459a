package io.orion.api.backend;

import java.lang.foreign.MemorySegment;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Host memory the device can copy to and from directly: pinned memory the backend allocated, or
 * an existing region it registered. Closing it frees or unregisters it.
 */
@ConsumerType
public interface HostMemory extends AutoCloseable {
    MemorySegment segment();

    @Override
    void close();
}
