package io.orion.agent.internal;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.orion.api.platform.BindReady;
import io.orion.api.platform.Platform;
import io.orion.api.platform.PlatformListener;
import io.orion.api.platform.PluginKind;
import io.orion.api.pool.Allocation;
import io.orion.api.pool.PoolListener;
import io.orion.api.pool.PoolService;
import io.orion.api.pool.Vgpu;
import io.orion.api.server.VgpuServer;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.condition.Condition;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins this node's server to the pool: registers the node with its GPUs and transports,
 * heartbeats its usage (renewing the leases of allocations whose client is connected), and keeps
 * the server's grants equal to what the controller holds here. The controller is in this runtime
 * (standalone) unless {@code controller} names one elsewhere. A configuration change re-activates
 * the agent (it registers again); a change of backend or transports re-registers the node.
 */
@Component(immediate = true, configurationPid = NodeAgent.PID,
        service = {NodeAgent.class, PoolListener.class, PlatformListener.class})
@Designate(ocd = AgentConfig.class)
public final class NodeAgent implements PoolListener, PlatformListener {

    static final String PID = "io.orion.agent";
    private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);

    private final AgentConfig config;
    private final Map<String, Object> bindReady;
    private final Platform platform;
    private final VgpuServer server;
    private final String httpPort;
    private final ControllerLink controller;
    private final ScheduledExecutorService timer;
    private final AtomicBoolean registered = new AtomicBoolean();
    private final AtomicBoolean unreachable = new AtomicBoolean();
    private volatile NodeIdentity identity;
    private volatile GrantSync grants;
    private volatile ScheduledFuture<?> beat;

    @Activate
    public NodeAgent(BundleContext context, AgentConfig config, @Reference Platform platform, @Reference VgpuServer server,
                     // static and greedy: when the pool of this runtime appears later (its store opens
                     // after the server), the agent starts again, linked to it
                     @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
                     PoolService localPool,
                     @Reference(service = Condition.class, target = BindReady.FILTER) Map<String, Object> bindReady) {
        this.config = config;
        this.bindReady = Map.copyOf(bindReady);
        this.platform = platform;
        this.server = server;
        this.httpPort = context.getProperty("org.osgi.service.http.port");
        this.controller = !config.controller().isBlank() ? new RemoteController(config.controller().trim())
                : localPool != null ? new LocalController(localPool) : null;
        this.identity = NodeIdentity.of(config, bindReady, platform, httpPort);
        this.grants = new GrantSync(server, identity.name());
        timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("orion-node-agent").unstarted(r));
        if (controller == null) {
            // In standalone the pool usually appears a moment later and this instance is replaced;
            // say something only if it does not.
            timer.schedule(() -> LOG.warn("no controller: this server is in no pool and serves only clients it grants itself; "
                    + "set {} controller=http://CONTROLLER:9123 to join one", PID), 10, TimeUnit.SECONDS);
            return;
        }
        timer.execute(this::tick);
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
    }

    String nodeName() { return identity.name(); }

    GrantSync grants() { return grants; }

    /** One heartbeat (registering first when needed), then the next one after the controller's interval. */
    private void tick() {
        try {
            // What the node offers may change without a selection change (a transport that could not
            // listen at first and now does): describe the node again whenever it differs.
            if (registered.get() && !NodeIdentity.of(config, bindReady, platform, httpPort).equals(identity)) registered.set(false);
            if (!registered.get()) register();
            var report = UsageReport.of(server, platform.activeBackend().orElse(null), grants.allocationOf());
            grants.reconcile(controller.heartbeat(identity.name(), report));
            if (unreachable.compareAndSet(true, false)) LOG.info("orion controller at {} reached again", controller.describe());
        } catch (ControllerLink.UnknownNode e) {
            LOG.info("the controller does not know node {} ({}); registering again", identity.name(), e.getMessage());
            registered.set(false);
        } catch (Exception e) {
            if (unreachable.compareAndSet(false, true))
                LOG.warn("Cannot reach orion controller at {}: {}. Retrying every heartbeat", controller.describe(), e.toString());
            registered.set(false);
        } finally {
            if (!timer.isShutdown()) beat = timer.schedule(this::tick, controller.interval().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void register() throws Exception {
        NodeIdentity now = NodeIdentity.of(config, bindReady, platform, httpPort);
        controller.register(now);
        identity = now;
        registered.set(true);
        LOG.info("node {} joined the pool at {}: {} GPU(s), transports {}", now.name(), controller.describe(),
                now.gpus().size(), now.transports().keySet());
    }

    /** A different backend or transport set changes what the node offers: tell the controller soon. */
    @Override
    public void selectionChanged(PluginKind kind) {
        if (kind == PluginKind.POLICY || controller == null) return;
        registered.set(false);
        ScheduledFuture<?> b = beat;
        if (b != null && b.cancel(false)) timer.execute(this::tick);
    }

    // ---- pushes from a controller in this runtime ---------------------------------------------

    @Override
    public void granted(Allocation allocation) {
        if (controller instanceof LocalController) allocation.vgpus().forEach(grants::grant);
    }

    @Override
    public void resized(Vgpu vgpu) {
        if (controller instanceof LocalController) grants.resize(vgpu);
    }

    @Override
    public void released(Allocation allocation, String why) {
        if (!(controller instanceof LocalController)) return;
        for (Vgpu v : allocation.vgpus()) if (v.node().equals(identity.name())) grants.revoke(v.id());
    }

    Optional<ControllerLink> controller() { return Optional.ofNullable(controller); }
}
