package io.orion.k8s.netwait.internal;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import io.orion.api.platform.BindReady;
import io.orion.k8s.netwait.BindAddress;
import io.orion.k8s.netwait.Interfaces;

import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.condition.Condition;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for the bind interface, then registers the node's {@link BindReady} condition with its
 * address (and {@code NODE_NAME}), which is also the {@link BindAddress} service. Until then the
 * TCP and rdma transports and the node agent, which require that condition, do not exist: the
 * server listens nowhere and the node is in no pool. Orion's server on Kubernetes runs with the
 * host's network, where the interface may come up after the pod starts (a CNI or an InfiniBand
 * driver still loading).
 *
 * <p>It waits only where the role says the address comes from here ({@value BindReady#WAIT_PROPERTY}
 * {@code =true}, the {@code server-k8s} role); elsewhere (the helper uses {@link Interfaces}) it
 * does nothing, and the platform core registers the condition.
 */
// The condition is registered by hand, so the resolver is told here that this bundle offers it.
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=org.osgi.service.condition.Condition")
@Component(immediate = true, service = {}, configurationPid = NetWait.PID)
@Designate(ocd = NetWaitConfig.class)
public final class NetWait {
    static final String PID = "io.orion.k8s.netwait";
    private static final Logger LOG = LoggerFactory.getLogger(NetWait.class);

    private final Thread thread;
    private volatile Consumer<InetAddress> onReady;
    private volatile ServiceRegistration<?> registration;
    private volatile boolean stopped;

    @Activate
    public NetWait(BundleContext context, NetWaitConfig config) {
        this(Interfaces.bindNet(config.interfaceName()), Duration.ofSeconds(config.retrySeconds()), Interfaces::addressOf, null);
        if (!Boolean.parseBoolean(context.getProperty(BindReady.WAIT_PROPERTY))) return;
        String nic = Interfaces.bindNet(config.interfaceName());
        onReady = a -> register(context, nic, a);
        thread.start();
    }

    /** Waits in a thread of its own and hands the address to {@code ready}; with none, waits for nothing. */
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

    /** The condition's properties: its id, the interface and address, and the node's name when {@code NODE_NAME} is set. */
    static Dictionary<String, Object> properties(String nic, InetAddress address, String nodeName) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Condition.CONDITION_ID, BindReady.CONDITION_ID);
        props.put(BindReady.INTERFACE_PROPERTY, nic);
        props.put(BindReady.ADDRESS_PROPERTY, address.getHostAddress());
        if (nodeName != null && !nodeName.isBlank()) props.put(BindReady.NODE_NAME_PROPERTY, nodeName.strip());
        return props;
    }

    private void register(BundleContext context, String nic, InetAddress address) {
        Object service = new Ready(nic, address);
        synchronized (this) {
            if (!stopped) registration = context.registerService(new String[]{Condition.class.getName(), BindAddress.class.getName()},
                    service, properties(nic, address, System.getenv("NODE_NAME")));
        }
    }

    /** The condition and the address, as one service. */
    private record Ready(String interfaceName, InetAddress address) implements Condition, BindAddress {}

    @Deactivate
    void deactivate() {
        stopped = true;
        thread.interrupt();
        synchronized (this) {
            if (registration != null) {
                try {
                    registration.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // unregistered with the bundle
                }
            }
            registration = null;
        }
    }
}
