package io.orion.agent.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.orion.api.pool.Allocation;
import io.orion.api.pool.NodeView;
import io.orion.api.pool.PoolListener;
import io.orion.api.pool.PoolService;
import io.orion.api.pool.Vgpu;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the controller: pushes grants, resizes and revocations to the servers of other nodes through
 * their control API, so a client that connects right after allocating finds its grant. A push
 * that fails is logged; the server's next heartbeat reconciles it. The node of a server in this
 * runtime is left to its agent, which hears the pool directly.
 */
@Component(service = {})
public final class ServerPush implements PoolListener {

    private static final Logger LOG = LoggerFactory.getLogger(ServerPush.class);

    private final PoolService pool;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();
    private volatile NodeAgent localAgent;

    private final ServiceRegistration<PoolListener> registration;

    @Activate
    public ServerPush(@Reference PoolService pool, BundleContext context) {
        this.pool = pool;
        // Registered by hand once the pool is active, not as a DS service: the pool binds its
        // listeners while it activates, and a DS-made listener that needs the pool would then be
        // a cycle (SCR logs it as an error at every start and binds the listener late).
        this.registration = context.registerService(PoolListener.class, this, null);
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException e) {
            // already gone with the bundle
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setLocalAgent(NodeAgent a) { localAgent = a; }

    void unsetLocalAgent(NodeAgent a) {
        if (localAgent == a) localAgent = null;
    }

    @Override
    public void granted(Allocation allocation) {
        allocation.vgpus().forEach(this::put);
    }

    @Override
    public void resized(Vgpu vgpu) {
        put(vgpu);
    }

    @Override
    public void released(Allocation allocation, String why) {
        for (Vgpu v : allocation.vgpus()) control(v.node()).ifPresent(url -> send("DELETE", url + "/vgpus/" + v.id(), null, v));
    }

    private void put(Vgpu v) {
        control(v.node()).ifPresent(url -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("allocationId", v.allocationId());
            body.put("node", v.node());
            body.put("gpu", v.gpuUuid());
            body.put("memoryMiB", v.memoryMiB());
            body.put("ratio", v.ratio());
            body.put("groupId", v.groupId());
            send("PUT", url + "/vgpus/" + v.id(), body, v);
        });
    }

    /** The control URL of a node served elsewhere; empty for this runtime's own node or none known. */
    private Optional<String> control(String node) {
        NodeAgent local = localAgent;
        if (local != null && local.nodeName().equals(node) && local.controller().map(c -> c instanceof LocalController).orElse(false))
            return Optional.empty();
        return pool.snapshot().node(node).map(NodeView::transports).map(t -> t.get(NodeIdentity.CONTROL));
    }

    private void send(String method, String url, Object body, Vgpu v) {
        try {
            HttpRequest.BodyPublisher p = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3))
                    .header("Content-Type", "application/json").method(method, p).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300 && !(method.equals("DELETE") && r.statusCode() == 404))
                LOG.warn("server of node {} refused {} of {}: HTTP {} {}; its next heartbeat reconciles", v.node(), method, v.id(), r.statusCode(), r.body());
        } catch (Exception e) {
            LOG.warn("cannot reach the server of node {} at {} for {}: {}; its next heartbeat reconciles", v.node(), url, v.id(), e.toString());
        }
    }
}
