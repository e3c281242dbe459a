package io.orion.controller.internal;

import java.util.List;

import io.orion.api.store.StateChange;
import io.orion.api.store.StateReplay;
import io.orion.api.store.StateStore;
import io.orion.api.store.StoredState;

import org.osgi.service.component.annotations.Component;

/**
 * A store that keeps the state in memory only: every restart starts empty. For tests and
 * throwaway runs; select it with the controller's {@code store.target=(orion.store=memory)}.
 */
@Component(property = StateStore.NAME_PROPERTY + "=memory")
public final class MemoryStore implements StateStore {

    private final StateReplay state = new StateReplay(StoredState.empty());

    @Override
    public synchronized StoredState load() {
        return state.state();
    }

    @Override
    public synchronized Pending append(List<StateChange> changes) {
        state.applyAll(changes);
        return () -> { };
    }
}
