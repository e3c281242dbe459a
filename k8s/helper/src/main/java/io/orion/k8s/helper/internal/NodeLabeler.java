package io.orion.k8s.helper.internal;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.orion.k8s.client.KubeClient;
import io.orion.k8s.client.KubeException;
import io.orion.k8s.netwait.Interfaces;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's label {@code ORION_BIND_ADDR} equal to the address of {@code ORION_BIND_NET}
 * (Orion's names), so that clients and the scheduler find a node's server by its node. The pod
 * runs with the host's network, so the interface seen here is the node's.
 */
@Component(immediate = true, service = {}, configurationPid = NodeLabeler.PID)
@Designate(ocd = HelperConfig.class)
public final class NodeLabeler {
    static final String PID = "io.orion.k8s.helper";
    private static final Logger LOG = LoggerFactory.getLogger(NodeLabeler.class);

    private final ObjectMapper json = new ObjectMapper();
    private final Thread thread;
    private volatile boolean stopped;

    @Activate
    public NodeLabeler(HelperConfig config) {
        this(Interfaces.bindNet(config.interfaceName()), nodeName(config.nodeName()), config.label(),
                Duration.ofSeconds(config.retrySeconds()), Duration.ofSeconds(config.recheckSeconds()),
                Interfaces::addressOf, kube(config.apiServer()));
    }

    /** The in-cluster client, or one for the configured API server (nodes are cluster-wide: no namespace). */
    static Supplier<KubeClient> kube(String apiServer) {
        String url = apiServer.strip();
        if (url.isEmpty()) return KubeClient::inCluster;
        URI server;
        try {
            server = URI.create(url.endsWith("/") ? url : url + "/");
            if (server.getHost() == null || !("http".equals(server.getScheme()) || "https".equals(server.getScheme())))
                throw new IllegalArgumentException(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("apiServer '" + url + "' in " + PID + " is not an http(s) URL", e);
        }
        return () -> KubeClient.of(server, "default", null, null);
    }

    NodeLabeler(String nic, String node, String label, Duration retry, Duration recheck,
                Function<String, Optional<InetAddress>> lookup, Supplier<KubeClient> kube) {
        if (node.isBlank()) throw new IllegalArgumentException("no node name: set nodeName in " + PID + " or NODE_NAME (fieldRef spec.nodeName)");
        thread = Thread.ofPlatform().daemon().name("orion-helper").start(() -> {
            KubeClient k = null;
            String labelled = null;
            while (!stopped) {
                Duration next = retry;
                Optional<InetAddress> address = lookup.apply(nic);
                if (address.isEmpty()) {
                    // The line operators look for (docs/kubernetes.md).
                    LOG.info("Waiting for network interface {}", nic);
                } else {
                    try {
                        if (k == null) k = kube.get();
                        String value = labelValue(address.get());
                        if (label(k, node, label, value) || !value.equals(labelled)) LOG.info("node {}: {}={}", node, label, value);
                        labelled = value;
                        next = recheck;
                    } catch (KubeException e) {
                        LOG.warn("cannot label node {}: {}. Retry in {} seconds ...", node, e.getMessage(), retry.toSeconds());
                    }
                }
                try {
                    Thread.sleep(next);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** Sets the label when it differs; true when it changed. A merge patch touches no other label. */
    private boolean label(KubeClient k, String node, String label, String value) {
        String path = "/api/v1/nodes/" + node;
        ObjectNode current = k.get(path).orElseThrow(() -> new KubeException(404, "node " + node + " does not exist"));
        if (value.equals(current.path("metadata").path("labels").path(label).asText(null))) return false;
        ObjectNode patch = json.createObjectNode();
        patch.putObject("metadata").putObject("labels").put(label, value);
        k.mergePatch(path, patch);
        return true;
    }

    /** Label values may not hold ':'; an IPv6 address is written with '-' instead (IPv4 is preferred anyway). */
    static String labelValue(InetAddress a) {
        return a.getHostAddress().replace(':', '-').replaceAll("%.*$", "");
    }

    private static String nodeName(String configured) {
        if (!configured.isBlank()) return configured.strip();
        String env = System.getenv("NODE_NAME");
        return env == null ? "" : env.strip();
    }

    @Deactivate
    void deactivate() {
        stopped = true;
        thread.interrupt();
    }
}
