package io.orion.agent.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.orion.api.backend.GpuBackend;
import io.orion.api.backend.GpuDevice;
import io.orion.api.platform.BindReady;
import io.orion.api.platform.Platform;
import io.orion.api.platform.PluginInfo;
import io.orion.api.platform.PluginKind;
import io.orion.api.pool.GpuSpec;

/** What this node tells the pool about itself: name, address, transports with endpoints, GPUs. */
record NodeIdentity(String name, String address, Map<String, String> transports, List<GpuSpec> gpus) {

    /** The key under which a node's control API travels with its transports (clients ignore it). */
    static final String CONTROL = "control";

    /**
     * The node as its configuration, its bind condition ({@link BindReady}) and the platform
     * describe it. The name: the configured one, else the condition's ({@code NODE_NAME} on
     * Kubernetes), else the host name. The address: the condition's (the interface the server
     * listens on), else the configured one, else the first non-loopback IPv4 address.
     */
    static NodeIdentity of(AgentConfig config, Map<String, ?> bindReady, Platform platform, String httpPort) {
        String boundName = BindReady.nodeName(bindReady), boundAddress = BindReady.address(bindReady);
        String name = !config.nodeName().isBlank() ? config.nodeName().trim() : boundName != null ? boundName : hostName();
        String address = boundAddress != null ? boundAddress : !config.address().isBlank() ? config.address().trim() : firstAddress();
        Map<String, String> transports = new LinkedHashMap<>();
        for (PluginInfo t : platform.plugins(PluginKind.TRANSPORT)) {
            if (t.inUse() && t.detail().contains("://")) transports.put(t.name(), reachable(t.detail(), address));
        }
        String control = config.controlUrl().isBlank()
                ? "http://" + address + ":" + (httpPort == null || httpPort.isBlank() ? "9123" : httpPort.trim()) + "/api/v1/server"
                : config.controlUrl().trim();
        transports.put(CONTROL, control);
        List<GpuSpec> gpus = new ArrayList<>();
        platform.activeBackend().ifPresent(b -> gpus.addAll(specs(b, config.vgpuSlots())));
        return new NodeIdentity(name, address, transports, gpus);
    }

    static List<GpuSpec> specs(GpuBackend backend, int slots) {
        List<GpuSpec> out = new ArrayList<>();
        for (GpuDevice d : backend.devices()) {
            out.add(new GpuSpec(d.uuid(), d.name(), Math.max(1, d.totalMemoryBytes() >> 20), d.multiprocessors(),
                    d.ccMajor(), d.ccMinor(), slots));
        }
        return out;
    }

    /** A listener bound to 0.0.0.0 is reached at the node's address. */
    static String reachable(String endpoint, String address) {
        return endpoint.replace("0.0.0.0", address).replace("[::]", address);
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "localhost" : env;
        }
    }

    static String firstAddress() {
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!ni.isUp() || ni.isLoopback()) continue;
                for (InetAddress a : Collections.list(ni.getInetAddresses()))
                    if (a instanceof Inet4Address) return a.getHostAddress();
            }
        } catch (SocketException e) {
            // fall through to loopback: a node without a network serves only itself
        }
        return "127.0.0.1";
    }
}
