package io.orion.client;

import org.osgi.annotation.versioning.ProviderType;

/** An event of one vGPU. */
@ProviderType
public interface Event {
    /** Records it on a stream (null: the default stream); asynchronous. */
    void record(Stream stream);

    void synchronize();

    boolean complete();

    /** Milliseconds from {@code start} to this event. */
    float elapsedSince(Event start);

    void destroy();
}
