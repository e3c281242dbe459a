package io.orion.transport.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.util.Map;

import io.orion.api.platform.BindReady;

import org.junit.jupiter.api.Test;

/** The transport listens where the node's bind condition says, when it says anything. */
class TcpBindConditionTest {

    @SuppressWarnings("unchecked")
    private static TcpConfig config(Map<String, Object> values) {
        return (TcpConfig) Proxy.newProxyInstance(TcpConfig.class.getClassLoader(), new Class<?>[]{TcpConfig.class},
                (p, m, a) -> m.getName().equals("annotationType") ? (Class<? extends Annotation>) TcpConfig.class
                        : values.getOrDefault(m.getName(), m.getDefaultValue()));
    }

    @Test
    void theConditionsAddressOverridesTheConfiguredOneAndIsAdvertised() {
        TcpConfig c = config(Map.of("bindAddress", "0.0.0.0", "advertisedHost", "gpu-1.example", "port", 9970));
        TcpSettings k8s = TcpTransportComponent.settings(c, BindReady.address(Map.of(BindReady.ADDRESS_PROPERTY, "10.0.0.7")));
        assertEquals("10.0.0.7", k8s.bindAddress());
        assertEquals("10.0.0.7", k8s.advertisedHost());
        assertEquals(9970, k8s.port(), "the rest of the configuration stays");

        TcpSettings plain = TcpTransportComponent.settings(c, BindReady.address(Map.of()));
        assertEquals("0.0.0.0", plain.bindAddress());
        assertEquals("gpu-1.example", plain.advertisedHost());
        assertNull(BindReady.address(Map.of(BindReady.ADDRESS_PROPERTY, " ")), "a blank address is none");
    }
}
