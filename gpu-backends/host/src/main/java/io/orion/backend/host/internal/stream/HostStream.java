package io.orion.backend.host.internal.stream;

import java.util.concurrent.CompletableFuture;

import io.orion.api.backend.GpuStream;

/**
 * A stream: work queued on it runs in order. {@link #tail} completes when the last work queued so
 * far is done. The context's default stream is one too (the legacy default stream).
 */
public final class HostStream implements GpuStream {
    final StreamScheduler owner;
    final boolean nonBlocking;
    final int priority;
    final boolean legacyDefault;
    volatile CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    HostStream(StreamScheduler owner, boolean nonBlocking, int priority, boolean legacyDefault) {
        this.owner = owner;
        this.nonBlocking = nonBlocking;
        this.priority = priority;
        this.legacyDefault = legacyDefault;
    }

    @Override
    public String toString() {
        return legacyDefault ? "default stream" : "stream@" + Integer.toHexString(System.identityHashCode(this));
    }
}
