package io.orion.client;

import org.osgi.annotation.versioning.ProviderType;

/** A stream of one vGPU. */
@ProviderType
public interface Stream {
    /** Waits for the stream's work; reports asynchronous errors. */
    void synchronize();

    /** True when all its work is done. */
    boolean idle();

    /** Later work on this stream waits for the event. */
    void waitFor(Event event);

    void destroy();
}
