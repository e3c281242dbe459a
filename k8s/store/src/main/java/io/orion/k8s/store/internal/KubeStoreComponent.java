package io.orion.k8s.store.internal;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.function.Supplier;

import io.orion.api.store.StateStore;
import io.orion.api.store.StoreException;
import io.orion.k8s.client.KubeClient;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One controller replica's part in the election and, while it leads, the state store. The
 * StateStore service ({@code orion.store=kubernetes}) is registered exactly while this replica
 * leads, so the controller (whose store.target selects it) is active exactly on the leader;
 * it is unregistered before the store stops writing, so the controller never writes into a
 * closed store on purpose. Followers hold nothing but the election. It waits for its
 * configuration (the chart's io.orion.k8s.store.cfg), so that no replica ever joins an election
 * under default names before the release's own arrive.
 */
@Component(immediate = true, service = {}, configurationPid = KubeStoreComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = KubeStoreConfig.class)
public final class KubeStoreComponent implements LeaderElector.Callbacks {
    static final String PID = "io.orion.k8s.store";
    static final String NAME = "kubernetes";
    private static final Logger LOG = LoggerFactory.getLogger(KubeStoreComponent.class);

    private final Registrar registrar;
    private final KubeClient kube;
    private final String namespace;
    private final String storeName;
    private final LeaderElector elector;
    private KubeStateStore store;
    private Registration registration;

    /** Registers the store service; a seam for tests, which have no framework. */
    interface Registrar {
        Registration register(StateStore store);
    }

    interface Registration {
        void unregister();
    }

    @Activate
    public KubeStoreComponent(BundleContext context, KubeStoreConfig config) {
        this(config, client(config), store -> {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(StateStore.NAME_PROPERTY, NAME);
            ServiceRegistration<StateStore> r = context.registerService(StateStore.class, store, props);
            return r::unregister;
        });
    }

    KubeStoreComponent(KubeStoreConfig config, Supplier<KubeClient> client, Registrar registrar) {
        this.registrar = registrar;
        this.kube = client.get();
        this.namespace = config.namespace().isBlank() ? kube.namespace() : config.namespace().strip();
        this.storeName = config.storeName().strip();
        new ObjectNames(storeName); // checks the name now, naming it, instead of at the first write
        this.elector = new LeaderElector(kube, namespace, config.leaseName(), identity(config.identity()),
                Duration.ofSeconds(config.leaseDurationSeconds()), Duration.ofSeconds(config.renewDeadlineSeconds()),
                Duration.ofSeconds(config.retryPeriodSeconds()), this);
        LOG.info("controller replica {} joins the election on Lease {}/{}", elector.identity(), namespace, config.leaseName());
        elector.start();
    }

    private static Supplier<KubeClient> client(KubeStoreConfig config) {
        String url = config.apiServer().strip();
        if (url.isEmpty()) return KubeClient::inCluster;
        URI server;
        try {
            server = URI.create(url.endsWith("/") ? url : url + "/");
            if (server.getHost() == null || !(server.getScheme().equals("http") || server.getScheme().equals("https"))) throw new IllegalArgumentException();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("apiServer '" + url + "' in " + PID + " is not an http(s) URL", e);
        }
        return () -> KubeClient.of(server, config.namespace().isBlank() ? "default" : config.namespace().strip(), null, null);
    }

    private static String identity(String configured) {
        if (!configured.isBlank()) return configured.strip();
        String pod = System.getenv("POD_NAME");
        if (pod != null && !pod.isBlank()) return pod.strip();
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "orion-controller-" + ProcessHandle.current().pid();
        }
    }

    @Override
    public synchronized void startedLeading() {
        store = new KubeStateStore(kube, namespace, storeName, elector::leading, this::storeFailed);
        registration = registrar.register(store);
    }

    @Override
    public synchronized void stoppedLeading() {
        if (registration != null) registration.unregister();
        registration = null;
        if (store != null) store.close();
        store = null;
    }

    private void storeFailed(StoreException e) {
        LOG.error("replica {} gives up leading: its store failed ({})", elector.identity(), e.getMessage());
        elector.resign();
    }

    boolean leading() { return elector.leading(); }

    /** Stops as a crashed replica would: no release, the others take over after the lease duration. */
    void crash() {
        elector.close(false);
    }

    @Deactivate
    void deactivate() {
        elector.close(true);
    }
}
