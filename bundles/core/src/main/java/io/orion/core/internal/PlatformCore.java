package io.orion.core.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.orion.api.backend.GpuBackend;
import io.orion.api.platform.Platform;
import io.orion.api.platform.PlatformListener;
import io.orion.api.platform.PluginInfo;
import io.orion.api.platform.PluginKind;
import io.orion.api.policy.SchedulingPolicy;
import io.orion.api.transport.Transport;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform core. Immediate, with dynamic greedy references, so it lives through every plugin
 * swap: plugins come and go under it, and a configuration change is applied by {@link #modified}
 * without re-activation.
 */
@Component(immediate = true, configurationPid = PlatformCore.PID, service = Platform.class)
@Designate(ocd = CoreConfig.class)
public final class PlatformCore implements Platform {

    static final String PID = "io.orion.core";
    private static final Logger LOG = LoggerFactory.getLogger(PlatformCore.class);

    private final PluginSet<SchedulingPolicy> policies = new PluginSet<>();
    private final PluginSet<GpuBackend> backends = new PluginSet<>();
    private final PluginSet<Transport> transports = new PluginSet<>();
    private final List<PlatformListener> listeners = new CopyOnWriteArrayList<>();

    private final String role;
    private final Set<PluginKind> expected;
    private final BundleContext context;
    private final ConfigurationAdmin configAdmin;
    private volatile Selection.Settings settings;
    private volatile Selection selection;
    /** True while the runtime starts: selection changes are then not logged one by one. */
    private final AtomicBoolean starting = new AtomicBoolean(true);
    private final FrameworkListener frameworkStarted = event -> {
        if (event.getType() == FrameworkEvent.STARTED) endStartup(true);
    };
    private final ServiceListener launcherReady = event -> {
        if (READY.equals(event.getServiceReference().getProperty(READY_PROPERTY))) endStartup(true);
    };
    /**
     * The bnd launcher (our role jars) starts the framework first and the bundles after it, then
     * marks its own service {@code launcher.ready=true}: that, not the framework's STARTED event,
     * is when a role's runtime is up.
     */
    private static final String LAUNCHER_FILTER = "(launcher.arguments=*)", READY_PROPERTY = "launcher.ready", READY = "true";

    @Activate
    public PlatformCore(BundleContext context, CoreConfig config,
                        @Reference ConfigurationAdmin configAdmin) {
        String r = context.getProperty(ROLE_PROPERTY);
        this.role = r == null || r.isBlank() ? "standalone" : r.trim();
        this.expected = ExpectedKinds.parse(context.getProperty(EXPECTS_PROPERTY));
        this.context = context;
        this.configAdmin = configAdmin;
        this.settings = Selection.Settings.from(config);
        reselect(null);
        LOG.info("Orion core active: role {}, configured policy {}, backend {}, transports {}", role,
                settings.policy(), settings.backend(), String.join(",", settings.transports()));
        // During start-up the plugins arrive one by one; what they settle on is reported once the
        // runtime is up. Installed later (a test, a hot deploy), every change is news at once.
        context.addFrameworkListener(frameworkStarted);
        try {
            context.addServiceListener(launcherReady, LAUNCHER_FILTER);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e); // a constant filter
        }
        if (!stillStarting()) endStartup(false);
    }

    private boolean stillStarting() {
        try {
            ServiceReference<?>[] launcher = context.getServiceReferences((String) null, LAUNCHER_FILTER);
            if (launcher != null && launcher.length > 0) return !READY.equals(launcher[0].getProperty(READY_PROPERTY));
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        return context.getBundle(0).getState() == Bundle.STARTING;
    }

    private void endStartup(boolean report) {
        if (!starting.compareAndSet(true, false)) return;
        try {
            context.removeFrameworkListener(frameworkStarted);
            context.removeServiceListener(launcherReady);
        } catch (IllegalStateException e) {
            return; // the bundle is stopping
        }
        if (!report) return;
        StartupReport r;
        synchronized (this) {
            r = StartupReport.of(settings, selection, backends, expected);
        }
        r.warnings().forEach(LOG::warn);
        LOG.info(r.summary());
    }

    @Deactivate
    void deactivate() {
        if (starting.compareAndSet(true, false)) {
            try {
                context.removeFrameworkListener(frameworkStarted);
                context.removeServiceListener(launcherReady);
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
    }

    @Modified
    void modified(CoreConfig config) {
        settings = Selection.Settings.from(config);
        LOG.info("configuration changed: policy={}, backend={}, transports={}", settings.policy(),
                settings.backend(), String.join(",", settings.transports()));
        reselect(null);
        // Any kind may have changed; listeners re-read what they use.
        for (PluginKind kind : PluginKind.values()) notifyListeners(kind);
    }

    // ---- plugin tracking --------------------------------------------------------------------

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addPolicy(SchedulingPolicy policy, ServiceReference<SchedulingPolicy> ref, Map<String, Object> props) {
        policies.add(PluginEntry.of(PluginKind.POLICY, SchedulingPolicy.NAME_PROPERTY, policy, props, ref));
        changed(PluginKind.POLICY);
    }

    void removePolicy(SchedulingPolicy policy) {
        if (policies.remove(policy)) changed(PluginKind.POLICY);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addBackend(GpuBackend backend, ServiceReference<GpuBackend> ref, Map<String, Object> props) {
        backends.add(PluginEntry.of(PluginKind.BACKEND, GpuBackend.NAME_PROPERTY, backend, props, ref));
        changed(PluginKind.BACKEND);
    }

    void removeBackend(GpuBackend backend) {
        if (backends.remove(backend)) changed(PluginKind.BACKEND);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addTransport(Transport transport, ServiceReference<Transport> ref, Map<String, Object> props) {
        transports.add(PluginEntry.of(PluginKind.TRANSPORT, Transport.NAME_PROPERTY, transport, props, ref));
        changed(PluginKind.TRANSPORT);
    }

    void removeTransport(Transport transport) {
        if (transports.remove(transport)) changed(PluginKind.TRANSPORT);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addListener(PlatformListener listener) { listeners.add(listener); }

    void removeListener(PlatformListener listener) { listeners.remove(listener); }

    private void changed(PluginKind kind) {
        // Called from DS bind/unbind, possibly before the constructor finished (static fields only).
        if (settings == null) return;
        reselect(kind);
        notifyListeners(kind);
    }

    /** Works out the selection again and logs what changed for operators. */
    private synchronized void reselect(PluginKind cause) {
        Selection before = selection;
        Selection now = Selection.of(settings, policies, backends, transports);
        selection = now;
        // Plugins leaving at shutdown are no news; those arriving at start-up are reported at its end.
        if (before == null || starting.get() || shuttingDown()) return;
        String was = describe(before.policy()), is = describe(now.policy());
        if (!before.policy().equals(now.policy()) || before.policyIsFallback() != now.policyIsFallback()) {
            String isName = now.policy().map(PluginEntry::name).orElse("");
            if (now.policy().isEmpty() && !expected.contains(PluginKind.POLICY))
                LOG.info("no scheduling policy installed (role {} places nothing)", role);
            else if (now.policy().isEmpty())
                LOG.warn("no scheduling policy available: neither '{}' nor the fallback '{}' is installed; placements fail until one is",
                        settings.policy(), settings.fallbackPolicy());
            else if (now.policyIsFallback())
                LOG.warn("policy '{}' is not installed; falling back to '{}' ({})", settings.policy(), isName, is);
            else
                LOG.info("scheduling policy is now '{}' ({}; was {})", isName, is, was);
        }
        String wasB = describe(before.backend()), isB = describe(now.backend());
        if (!before.backend().equals(now.backend())) LOG.info("GPU backend for new sessions is now {} (was {})", isB, wasB);
        if (cause == PluginKind.TRANSPORT || !before.transports().equals(now.transports()))
            LOG.debug("transports in use: {}", now.transports().stream().map(PluginEntry::name).toList());
    }

    private boolean shuttingDown() {
        try {
            return context.getBundle(0).getState() == org.osgi.framework.Bundle.STOPPING;
        } catch (IllegalStateException e) {
            return true; // our context is already invalid
        }
    }

    private void notifyListeners(PluginKind kind) {
        for (PlatformListener l : listeners) {
            try {
                l.selectionChanged(kind);
            } catch (RuntimeException e) {
                LOG.error("platform listener {} failed on a {} change", l.getClass().getName(), kind.label(), e);
            }
        }
    }

    private static String describe(Optional<? extends PluginEntry<?>> entry) {
        return entry.map(e -> e.name() + " from " + e.bundle() + " " + e.version()).orElse("none");
    }

    // ---- Platform ---------------------------------------------------------------------------

    @Override
    public String role() { return role; }

    @Override
    public List<PluginInfo> plugins(PluginKind kind) {
        Selection s = selection;
        return switch (kind) {
            case POLICY -> policies.distinct().stream().map(e -> info(e,
                    s.policy().map(p -> p == e).orElse(false), e.service().description())).toList();
            case BACKEND -> backends.distinct().stream().map(e -> info(e,
                    s.backend().map(b -> b == e).orElse(false), safeStatus(e.service()))).toList();
            case TRANSPORT -> transports.distinct().stream().map(e -> info(e,
                    s.transports().contains(e), safeEndpoint(e.service()))).toList();
        };
    }

    private static PluginInfo info(PluginEntry<?> e, boolean inUse, String detail) {
        return new PluginInfo(e.kind(), e.name(), e.bundle(), e.version(), inUse, detail == null ? "" : detail);
    }

    private static String safeStatus(GpuBackend b) {
        try {
            return b.status();
        } catch (RuntimeException e) {
            return "status failed: " + e;
        }
    }

    private static String safeEndpoint(Transport t) {
        try {
            String ep = t.endpoint();
            return ep == null || ep.isEmpty() ? "not listening" : ep;
        } catch (RuntimeException e) {
            return "endpoint failed: " + e;
        }
    }

    @Override
    public Optional<SchedulingPolicy> activePolicy() {
        return selection.policy().map(PluginEntry::service);
    }

    @Override
    public void selectPolicy(String name) {
        String wanted = name == null ? "" : name.trim();
        if (policies.byName(wanted).isEmpty())
            throw new IllegalArgumentException("no policy named '" + wanted + "' is installed; installed: "
                    + String.join(", ", policies.names()));
        // Apply at once, then persist; the @Modified that follows finds the same setting.
        settings = settings.withPolicy(wanted);
        reselect(PluginKind.POLICY);
        notifyListeners(PluginKind.POLICY);
        persist("policy", wanted);
    }

    private void persist(String key, String value) {
        try {
            Configuration c = configAdmin.getConfiguration(PID, "?");
            Dictionary<String, Object> props = c.getProperties();
            if (props == null) props = new Hashtable<>();
            props.put(key, value);
            c.update(props);
        } catch (IOException e) {
            LOG.error("could not store {}={} in configuration {}; it applies until restart", key, value, PID, e);
        }
    }

    @Override
    public Optional<GpuBackend> activeBackend() {
        return selection.backend().map(PluginEntry::service);
    }

    @Override
    public List<Transport> activeTransports() {
        return selection.transports().stream().map(PluginEntry::service).toList();
    }
}
