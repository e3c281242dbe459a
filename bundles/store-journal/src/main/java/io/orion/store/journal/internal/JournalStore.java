package io.orion.store.journal.internal;

import java.io.IOException;
import java.time.Clock;
import java.util.Dictionary;
import java.util.Hashtable;

import io.orion.api.store.StateStore;
import io.orion.api.store.StoreException;
import io.orion.api.store.StoredState;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default {@link StateStore}: opens the journal in its directory and registers it
 * with {@code orion.store=journal}.
 *
 * <p>It registers the service itself, and only once the directory is open: the SPI promises that
 * a store that cannot write is not registered, and a service that DS registers before activation
 * would stay visible while the store refuses to open (a corrupt journal, a locked directory).
 *
 * <p>No modified method on purpose: a configuration change re-activates the component, so the
 * old store unregisters, writes what is queued and closes, and the new one opens with the new
 * settings and registers anew. The controller, bound to the service, then reloads from exactly
 * what is on disk; it can never go on with a state the store does not hold (which a live change
 * of directory would cause).
 */
@Component(service = {}, immediate = true, configurationPid = JournalStore.PID)
@Designate(ocd = JournalConfig.class)
public final class JournalStore {
    static final String PID = "io.orion.store.journal";
    static final String NAME = "journal";
    /** Service property with the store's directory, for operators and tests. */
    static final String DIRECTORY_PROPERTY = "orion.store.directory";
    private static final Logger LOG = LoggerFactory.getLogger(JournalStore.class);

    private final Journal journal;
    private final ServiceRegistration<StateStore> registration;

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
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(StateStore.NAME_PROPERTY, NAME);
        props.put(DIRECTORY_PROPERTY, settings.directory().toString());
        registration = context.registerService(StateStore.class, journal, props);
    }

    @Deactivate
    void deactivate() {
        // Users go first (the controller deactivates with its store), then the queue drains.
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping and the framework removed it already
        }
        journal.close();
        LOG.info("state store in {} closed: {} appends written in {} batches since it opened", journal.directory(),
                journal.appendsWritten(), journal.syncs());
    }
}
