package io.orion.store.journal.internal;

import java.io.IOException;
import java.time.Clock;
import java.util.List;

import io.orion.api.store.StateChange;
import io.orion.api.store.StateStore;
import io.orion.api.store.StoreException;
import io.orion.api.store.StoredState;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default {@link StateStore}: a journal of changes with snapshots, in one directory.
 *
 * <p>No modified method on purpose: a configuration change re-activates the component, so the
 * old instance writes what is queued and closes, and the new one opens with the new settings and
 * registers anew. The controller, bound to the service, then reloads from exactly what is on disk;
 * it can never go on with a state the store does not hold (which a live change of directory would
 * cause).
 */
@Component(service = StateStore.class, immediate = true, configurationPid = JournalStore.PID,
        property = StateStore.NAME_PROPERTY + "=" + JournalStore.NAME)
@Designate(ocd = JournalConfig.class)
public final class JournalStore implements StateStore {
    static final String PID = "io.orion.store.journal";
    static final String NAME = "journal";
    private static final Logger LOG = LoggerFactory.getLogger(JournalStore.class);

    private final Journal journal;

    @Activate
    public JournalStore(BundleContext context, JournalConfig config) {
        Settings settings;
        try {
            settings = Settings.from(config, context.getProperty(Settings.HOME_PROPERTY));
        } catch (IllegalArgumentException e) {
            LOG.error("state store not started: configuration {}: {}", PID, e.getMessage());
            throw e;
        }
        try {
            journal = Journal.open(settings, Faults.NONE, Clock.systemUTC());
        } catch (StoreException e) {
            LOG.error("state store not started: {}", e.getMessage());
            throw e;
        } catch (IOException e) {
            LOG.error("state store not started: cannot open {}: {}", settings.directory(), e.toString());
            throw new StoreException("cannot open the state store in " + settings.directory() + ": " + e, e);
        }
        StoredState s = journal.load();
        LOG.info("state store open in {}: {} nodes, {} allocations (generation {}, fsync {}, commit window {} ms)",
                settings.directory(), s.nodes().size(), s.allocations().size(), journal.generation(),
                settings.fsync() ? "always" : "never", settings.commitWindow().toMillis());
    }

    @Deactivate
    void deactivate() {
        journal.close();
        LOG.info("state store in {} closed", journal.directory());
    }

    @Override
    public StoredState load() {
        return journal.load();
    }

    @Override
    public Pending append(List<StateChange> changes) {
        return journal.append(changes);
    }
}
