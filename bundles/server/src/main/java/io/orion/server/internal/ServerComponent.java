package io.orion.server.internal;

import java.util.List;
import java.util.Optional;

import io.orion.api.platform.Platform;
import io.orion.api.platform.PlatformListener;
import io.orion.api.platform.PluginKind;
import io.orion.api.server.SessionInfo;
import io.orion.api.server.VgpuGrant;
import io.orion.api.server.VgpuServer;
import io.orion.api.server.VgpuStatus;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The remoting server in the platform. Immediate and bound dynamically to the platform core, so it
 * lives through every plugin swap: it listens on the transports the core says are active (opening
 * and closing them as they come and go) and opens new sessions on the core's active backend.
 * Sessions never depend on a transport: when one goes away its clients reconnect and resume.
 */
@Component(immediate = true, configurationPid = ServerComponent.PID, service = {VgpuServer.class, PlatformListener.class})
@Designate(ocd = ServerConfig.class)
public final class ServerComponent implements VgpuServer, PlatformListener {
    static final String PID = "io.orion.server";

    private volatile Platform platform;
    private final RemotingServer server;

    @Activate
    public ServerComponent(ServerConfig config) {
        this.server = new RemotingServer(ServerSettings.from(config), () -> {
            Platform p = platform;
            return p == null ? Optional.empty() : p.activeBackend();
        }, ServerSettings.gate(config));
        refreshTransports();
    }

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindPlatform(Platform p) {
        platform = p;
        if (server != null) refreshTransports();
    }

    void unbindPlatform(Platform p) {
        if (platform == p) {
            platform = null;
            refreshTransports();
        }
    }

    @Modified
    void modified(ServerConfig config) {
        server.reconfigure(ServerSettings.from(config));
        server.reconfigureGate(ServerSettings.gate(config));
    }

    @Deactivate
    void deactivate() {
        server.close();
    }

    @Override
    public void selectionChanged(PluginKind kind) {
        if (kind == PluginKind.TRANSPORT) refreshTransports();
    }

    private void refreshTransports() {
        RemotingServer s = server;
        if (s == null) return; // a bind before the constructor finished
        Platform p = platform;
        s.useTransports(p == null ? List.of() : p.activeTransports());
    }

    @Override public VgpuStatus grant(VgpuGrant grant) { return server.grant(grant); }

    @Override public boolean revoke(String vgpuId) { return server.revoke(vgpuId); }

    @Override public VgpuStatus resize(String vgpuId, long memoryMiB, int ratio) { return server.resize(vgpuId, memoryMiB, ratio); }

    @Override public List<VgpuStatus> vgpus() { return server.vgpus(); }

    @Override public Optional<VgpuStatus> vgpu(String vgpuId) { return server.vgpu(vgpuId); }

    @Override public List<SessionInfo> sessions() { return server.sessions(); }

    @Override public boolean closeSession(long sessionId) { return server.closeSession(sessionId); }
}
