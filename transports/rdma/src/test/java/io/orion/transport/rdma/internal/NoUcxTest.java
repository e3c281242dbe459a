package io.orion.transport.rdma.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.orion.ucx.Ucx;

import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;

/**
 * On a machine without UCX the component logs one line saying why and registers no transport;
 * nothing throws. Run in a child JVM that can find no UCX (this one has loaded it already).
 */
class NoUcxTest {

    @Test
    void withoutUcxNothingIsRegisteredAndOneLineSaysWhy() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Child.class.getName());
        pb.environment().remove("LD_LIBRARY_PATH");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        if (systemHasUcx()) {
            assertTrue(out.contains("registered rdma"), out);
            return;
        }
        assertTrue(out.contains("nothing registered"), out);
        List<String> lines = out.lines().filter(l -> l.contains("rdma transport not offered")).toList();
        assertEquals(1, lines.size(), out);
        assertTrue(lines.get(0).contains("libucp.so.0") && lines.get(0).contains("bin/ensure-ucx"), lines.get(0));
    }

    static boolean systemHasUcx() {
        return List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib").stream()
                .anyMatch(d -> Files.exists(Path.of(d, "libucp.so.0")));
    }

    /** Activates the component as DS would, with a framework that records what is registered. */
    public static final class Child {
        public static void main(String[] args) {
            String[] registered = {null};
            BundleContext ctx = (BundleContext) Proxy.newProxyInstance(Child.class.getClassLoader(), new Class<?>[] {BundleContext.class},
                    (proxy, m, a) -> switch (m.getName()) {
                        case "getProperty" -> a[0].equals(Ucx.LIBRARY_PATH_PROPERTY) ? "/nonexistent/ucx" : null;
                        case "registerService" -> {
                            registered[0] = String.valueOf(((java.util.Dictionary<?, ?>) a[2]).get("orion.transport"));
                            yield null;
                        }
                        default -> null;
                    });
            RdmaConfig config = (RdmaConfig) Proxy.newProxyInstance(Child.class.getClassLoader(), new Class<?>[] {RdmaConfig.class},
                    (proxy, m, a) -> m.getName().equals("annotationType") ? (Class<? extends Annotation>) RdmaConfig.class : m.getDefaultValue());
            RdmaTransportComponent c = new RdmaTransportComponent(ctx, config, java.util.Map.of());
            c.deactivate();
            System.out.println(registered[0] == null ? "nothing registered" : "registered " + registered[0]);
        }
    }
}
