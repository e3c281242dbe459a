package io.orion.api.store;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Durable home of the controller's state: nodes and allocations.
 *
 * <p>The controller calls {@link #load} once when it activates, then {@link #append} for every
 * change, in order, while it holds its own lock; it answers its caller only after
 * {@link Pending#await()} returned, so anything a client was told is durable. Appends are
 * therefore quick (buffer, sequence) and the durable write happens in {@code await}, where a store
 * may group the writes of many callers into one (group commit).
 */
@ConsumerType
public interface StateStore {

    /** Service property naming the store, e.g. {@code journal} or {@code kubernetes}. */
    String NAME_PROPERTY = "orion.store";

    /** Everything stored: the state as the last durable change left it. */
    StoredState load();

    /**
     * Queues changes to be written after every change appended before them. Must not block on
     * I/O for long; may throw {@link StoreException} when the store cannot accept writes at all.
     */
    Pending append(List<StateChange> changes);

    /** A queued write. */
    @FunctionalInterface
    interface Pending {
        /** Returns once the changes are durable; {@link StoreException} if they could not be made so. */
        void await();
    }
}
