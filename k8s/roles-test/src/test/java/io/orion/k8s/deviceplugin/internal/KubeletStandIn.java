package io.orion.k8s.deviceplugin.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The device-plugin tests' TestKubelet (a kubelet's device manager over a real unix socket;
 * compiled here from k8s/device-plugin's test sources, see the pom), opened to the role tests,
 * which run the deviceplugin role jar as a process against it.
 */
public final class KubeletStandIn implements AutoCloseable {
    private final TestKubelet kubelet;

    public KubeletStandIn(Path dir) throws IOException {
        kubelet = new TestKubelet(dir);
    }

    /** The resource names the plugin registered, in order. */
    public List<String> registeredResources() {
        return kubelet.registrations.stream().map(r -> r.getResourceName()).toList();
    }

    /** The device IDs of the plugin's next ListAndWatch message. */
    public List<String> nextDeviceIds() throws InterruptedException {
        return kubelet.nextUpdate().getDevicesList().stream().map(d -> d.getID()).toList();
    }

    /** The environment the plugin hands a container given these device IDs. */
    public Map<String, String> allocateEnv(List<String> ids) {
        return kubelet.allocate(ids).getContainerResponses(0).getEnvsMap();
    }

    @Override
    public void close() {
        kubelet.close();
    }
}
