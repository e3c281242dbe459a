package io.orion.console.internal;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.MetaTypeService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in the log, once, what is wrong with a configuration: a key no component reads, a value of
 * the wrong type or out of range, a misspelt PID, a file in the deploy folder that FileInstall could
 * not read. Without it such mistakes are silent (the component keeps its defaults) or surface as a
 * stack trace that names neither the file nor the key. {@code orion:config check} shows the same on
 * demand.
 */
@Component(service = ConfigurationListener.class, immediate = true)
public final class ConfigWatch implements ConfigurationListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatch.class);
    /** Configuration events come in bursts (FileInstall, a console set): check once they settle. */
    private static final long SETTLE_MILLIS = 1000;
    /** The deploy folder is looked at again this often, for files FileInstall could not read. */
    private static final long FOLDER_EVERY_MILLIS = 5000;

    private final ConfigAudit audit;
    private final ScheduledExecutorService executor;
    /** What was logged already, per kind of check, so that one kind's look does not forget the other's. */
    private final Set<String> reportedConfigs = new HashSet<>();
    private final Set<String> reportedFiles = new HashSet<>();
    private final java.util.Map<java.nio.file.Path, Long> unreadSince = new java.util.HashMap<>();
    private ScheduledFuture<?> pending;

    @Activate
    public ConfigWatch(BundleContext context, @Reference ConfigurationAdmin configAdmin, @Reference MetaTypeService metaType) {
        this.audit = new ConfigAudit(context, configAdmin, metaType);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "orion-config-check");
            t.setDaemon(true);
            return t;
        });
        // The first look waits for start-up's own configurations to land; then the configurations
        // are checked again only when one changes, the deploy folder now and then.
        executor.schedule(this::checkConfigurations, ConfigFileCheck.SETTLE_MILLIS, TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(this::checkFiles, ConfigFileCheck.SETTLE_MILLIS, FOLDER_EVERY_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        executor.shutdownNow();
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        synchronized (this) {
            if (pending != null) pending.cancel(false);
            if (!executor.isShutdown()) pending = executor.schedule(this::checkConfigurations, SETTLE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void checkConfigurations() {
        try {
            report(audit.configurations().problems(), reportedConfigs);
        } catch (Exception e) {
            LOG.debug("configuration check skipped: {}", e.toString());
        }
    }

    private void checkFiles() {
        try {
            report(audit.files(unreadSince), reportedFiles);
        } catch (Exception e) {
            LOG.debug("deploy folder check skipped: {}", e.toString());
        }
    }

    /** Logs each problem the first time it is seen; one that is fixed and comes back is logged again. */
    private static void report(List<ConfigProblem> problems, Set<String> reported) {
        Set<String> now = new HashSet<>();
        for (ConfigProblem p : problems) {
            String line = p.toString();
            now.add(line);
            if (!reported.contains(line)) LOG.warn("configuration: {}", line);
        }
        reported.retainAll(now);
        reported.addAll(now);
    }
}
