package io.orion.backend.host.internal.stream;

import java.util.concurrent.CompletableFuture;

import io.orion.api.backend.GpuEvent;

/**
 * An event: recording it queues a marker on a stream; the event completes when the stream reaches
 * the marker, which also takes the time (the backend's clock, {@link System#nanoTime} unless a test
 * gives its own) for timing events. An event never
 * recorded counts as complete, as in CUDA.
 */
public final class HostEvent implements GpuEvent {
    final StreamScheduler owner;
    final boolean timing;
    final boolean blockingSync;
    volatile CompletableFuture<Void> recorded;
    volatile long nanos;

    HostEvent(StreamScheduler owner, boolean timing, boolean blockingSync) {
        this.owner = owner;
        this.timing = timing;
        this.blockingSync = blockingSync;
    }
}
