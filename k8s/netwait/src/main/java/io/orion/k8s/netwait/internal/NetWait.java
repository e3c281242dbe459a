package io.orion.k8s.netwait.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import io.orion.k8s.netwait.BindAddress;
import io.orion.k8s.netwait.Interfaces;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for the bind interface, then publishes {@link BindAddress} and points the TCP transport
 * at the address. Orion's server on Kubernetes runs with the host's network, where the
 * interface may come up after the pod starts (a CNI or an InfiniBand driver still loading).
 */
@Component(immediate = true, service = {}, configurationPid = NetWait.PID)
@Designate(ocd = NetWaitConfig.class)
public final class NetWait {
    static final String PID = "io.orion.k8s.netwait";
    static final String TCP_PID = "io.orion.transport.tcp";
    static final String AGENT_PID = "io.orion.agent";
    private static final Logger LOG = LoggerFactory.getLogger(NetWait.class);

    private final Thread thread;
    private Consumer<InetAddress> onReady;
    private volatile ServiceRegistration<BindAddress> registration;
    private volatile boolean stopped;

    @Activate
    public NetWait(BundleContext context, @Reference ConfigurationAdmin cm, NetWaitConfig config) {
        this(Interfaces.bindNet(config.interfaceName()), Duration.ofSeconds(config.retrySeconds()), Interfaces::addressOf, null);
        String nic = Interfaces.bindNet(config.interfaceName());
        boolean tcp = config.configureTcp(), agent = config.configureAgent();
        String node = System.getenv().getOrDefault("NODE_NAME", "").strip();
        onReady = a -> {
            if (tcp) configureTcp(cm, a.getHostAddress());
            if (agent) configureAgent(cm, a.getHostAddress(), node);
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(BindAddress.INTERFACE_PROPERTY, nic);
            props.put(BindAddress.ADDRESS_PROPERTY, a.getHostAddress());
            BindAddress service = new BindAddress() {
                @Override public String interfaceName() { return nic; }
                @Override public InetAddress address() { return a; }
            };
            synchronized (this) {
                if (!stopped) registration = context.registerService(BindAddress.class, service, props);
            }
        };
        thread.start();
    }

    /** Waits in a thread of its own (started here when {@code ready} is given) and hands the address to {@code ready}. */
    NetWait(String nic, Duration retry, Function<String, Optional<InetAddress>> lookup, Consumer<InetAddress> ready) {
        onReady = ready;
        thread = Thread.ofPlatform().daemon().name("orion-netwait").unstarted(() -> {
            Optional<InetAddress> address;
            while ((address = lookup.apply(nic)).isEmpty()) {
                // The line operators look for (docs/kubernetes.md).
                LOG.info("Waiting for net {} becoming ready ...", nic);
                try {
                    Thread.sleep(retry);
                } catch (InterruptedException e) {
                    return;
                }
                if (stopped) return;
            }
            LOG.info("net {} is ready: binding to {}", nic, address.get().getHostAddress());
            onReady.accept(address.get());
        });
        if (ready != null) thread.start();
    }

    /** Sets the transport's bind address and advertised host, keeping its other settings. */
    static void configureTcp(ConfigurationAdmin cm, String address) {
        update(cm, TCP_PID, Map.of("bindAddress", address, "advertisedHost", address));
    }

    /** Sets the node agent's address (and node name when known), keeping its other settings (the controller URL). */
    static void configureAgent(ConfigurationAdmin cm, String address, String nodeName) {
        update(cm, AGENT_PID, nodeName.isEmpty() ? Map.of("address", address) : Map.of("address", address, "nodeName", nodeName));
    }

    /** Merges values into a PID's configuration; no update (no component restart) when they are already there. */
    private static void update(ConfigurationAdmin cm, String pid, Map<String, String> values) {
        try {
            Configuration c = cm.getConfiguration(pid, "?");
            Dictionary<String, Object> props = c.getProperties();
            if (props == null) props = new Hashtable<>();
            boolean same = true;
            for (Map.Entry<String, String> e : values.entrySet()) same &= e.getValue().equals(props.get(e.getKey()));
            if (same) return;
            for (Map.Entry<String, String> e : values.entrySet()) props.put(e.getKey(), e.getValue());
            c.update(props);
        } catch (IOException e) {
            LOG.error("cannot configure {} with {}: {}", pid, values, e.getMessage(), e);
        }
    }

    @Deactivate
    void deactivate() {
        stopped = true;
        thread.interrupt();
        synchronized (this) {
            if (registration != null) registration.unregister();
            registration = null;
        }
    }

}
