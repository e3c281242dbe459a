package io.orion.store.journal.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.orion.api.store.StateChange;
import io.orion.api.store.StoreException;

/**
 * Appends that are written and synced together (one group commit). Appenders fill it under the
 * journal's lock; the writer takes it whole and completes {@link #done} once it is durable.
 */
final class Batch {
    /** Number of the first change in this batch. */
    final long firstSeq;
    /** Each append's changes as JSON, encoded by the appender. */
    final List<byte[]> appends = new ArrayList<>();
    /** Each append's changes, for the writer's own replay of the state. */
    final List<List<StateChange>> changes = new ArrayList<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    /** When the first append arrived, for the commit window. */
    long firstAppendNanos;

    Batch(long firstSeq) { this.firstSeq = firstSeq; }

    /** Blocks until the batch is durable; a {@link StoreException} if it could not be made so. */
    void await() {
        try {
            done.join();
        } catch (CompletionException e) {
            // A fresh exception per caller, with the caller's stack; the cause says what failed.
            throw new StoreException(e.getCause().getMessage(), e.getCause());
        }
    }
}
