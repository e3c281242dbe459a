package io.orion.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.orion.api.platform.BindReady;
import io.orion.api.platform.Platform;
import io.orion.api.platform.PluginInfo;
import io.orion.api.platform.PluginKind;

import org.junit.jupiter.api.Test;

/** Name and address of a node: configuration, the bind condition (Kubernetes) and the machine. */
class NodeIdentityTest {

    /** An agent configuration with these values and the defaults for the rest. */
    @SuppressWarnings("unchecked")
    private static AgentConfig config(Map<String, Object> values) {
        return (AgentConfig) Proxy.newProxyInstance(AgentConfig.class.getClassLoader(), new Class<?>[]{AgentConfig.class},
                (p, m, a) -> m.getName().equals("annotationType") ? (Class<? extends Annotation>) AgentConfig.class
                        : values.getOrDefault(m.getName(), m.getDefaultValue()));
    }

    /** A platform with a TCP transport listening on every interface and no backend. */
    private static Platform platform() {
        return (Platform) Proxy.newProxyInstance(Platform.class.getClassLoader(), new Class<?>[]{Platform.class},
                (p, m, a) -> switch (m.getName()) {
                    case "plugins" -> a[0] == PluginKind.TRANSPORT
                            ? List.of(new PluginInfo(PluginKind.TRANSPORT, "tcp", "io.orion.transport.tcp", "0.1.0", true, "tcp://0.0.0.0:9960"))
                            : List.of();
                    case "activeBackend" -> Optional.empty();
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    void theBindConditionGivesTheAddressAndTheNameUnlessTheConfigurationNamesTheNode() {
        Map<String, Object> k8s = Map.of(BindReady.ADDRESS_PROPERTY, "10.0.0.7", BindReady.NODE_NAME_PROPERTY, "gpu-node-7");
        NodeIdentity n = NodeIdentity.of(config(Map.of("address", "192.168.1.1")), k8s, platform(), "9963");
        assertEquals("gpu-node-7", n.name());
        assertEquals("10.0.0.7", n.address(), "the interface the server listens on wins over a configured address");
        assertEquals("tcp://10.0.0.7:9960", n.transports().get("tcp"));
        assertEquals("http://10.0.0.7:9963/api/v1/server", n.transports().get(NodeIdentity.CONTROL));

        assertEquals("named-by-operator", NodeIdentity.of(config(Map.of("nodeName", "named-by-operator")), k8s, platform(), "9963").name());
    }

    @Test
    void aConditionWithoutPropertiesLeavesTheConfiguration() {
        NodeIdentity n = NodeIdentity.of(config(Map.of("address", "192.168.1.1", "nodeName", "n1")), Map.of(), platform(), "9963");
        assertEquals("n1", n.name());
        assertEquals("192.168.1.1", n.address());
        assertEquals(NodeIdentity.hostName(), NodeIdentity.of(config(Map.of()), Map.of(), platform(), "9963").name());
    }
}
