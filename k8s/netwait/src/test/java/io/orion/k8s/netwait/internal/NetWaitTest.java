package io.orion.k8s.netwait.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.orion.k8s.netwait.Interfaces;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.junit.jupiter.api.Test;

class NetWaitTest {

    @Test
    void waitsForTheInterfaceAndSaysSo() throws Exception {
        AtomicBoolean up = new AtomicBoolean();
        CompletableFuture<InetAddress> ready = new CompletableFuture<>();
        InetAddress address = InetAddress.getByName("10.1.2.3");
        NetWait w = new NetWait("ib7", Duration.ofMillis(50), n -> up.get() ? Optional.of(address) : Optional.empty(), ready::complete);
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!log().contains("Waiting for net ib7 becoming ready ...") && System.nanoTime() < end) Thread.sleep(20);
            assertTrue(log().contains("Waiting for net ib7 becoming ready ..."), log());
            assertTrue(!ready.isDone());
            up.set(true);
            assertEquals(address, ready.get(10, TimeUnit.SECONDS));
        } finally {
            w.deactivate();
        }
    }

    @Test
    void loopbackIsFoundAndAMissingInterfaceIsNot() {
        assertEquals("127.0.0.1", Interfaces.addressOf("lo").orElseThrow().getHostAddress());
        assertTrue(Interfaces.addressOf("nosuchnic0").isEmpty());
        assertEquals("ib0", Interfaces.bindNet(" ib0 "));
    }

    @Test
    void tcpTransportGetsTheAddressAndKeepsItsOtherSettings() {
        Dictionary<String, Object> stored = new Hashtable<>();
        stored.put("port", 9960);
        int[] updates = {0};
        Configuration config = (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Configuration.class},
                (p, m, a) -> switch (m.getName()) {
                    case "getProperties" -> stored.isEmpty() ? null : copy(stored);
                    case "update" -> {
                        @SuppressWarnings("unchecked") Dictionary<String, Object> d = (Dictionary<String, Object>) a[0];
                        for (var k = d.keys(); k.hasMoreElements(); ) { String key = k.nextElement(); stored.put(key, d.get(key)); }
                        updates[0]++;
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        java.util.List<Object> pids = new java.util.ArrayList<>();
        ConfigurationAdmin cm = (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{ConfigurationAdmin.class},
                (p, m, a) -> {
                    pids.add(a[0]);
                    return config;
                });
        NetWait.configureTcp(cm, "10.1.2.3");
        assertEquals("10.1.2.3", stored.get("bindAddress"));
        assertEquals("10.1.2.3", stored.get("advertisedHost"));
        assertEquals(9960, stored.get("port"));
        NetWait.configureTcp(cm, "10.1.2.3");
        assertEquals(1, updates[0], "an unchanged address does not restart the transport");
        // the node agent: the same store stands in for its PID here
        NetWait.configureAgent(cm, "10.1.2.3", "gpu-node-7");
        assertEquals("gpu-node-7", stored.get("nodeName"));
        assertEquals("10.1.2.3", stored.get("address"));
        assertEquals(java.util.List.of(NetWait.TCP_PID, NetWait.TCP_PID, NetWait.AGENT_PID), pids);
    }

    private static Dictionary<String, Object> copy(Dictionary<String, Object> d) {
        Hashtable<String, Object> c = new Hashtable<>();
        for (var k = d.keys(); k.hasMoreElements(); ) { String key = k.nextElement(); c.put(key, d.get(key)); }
        return c;
    }

    private static String log() {
        try {
            return Files.readString(Path.of(System.getProperty("org.slf4j.simpleLogger.logFile")));
        } catch (IOException e) {
            return "";
        }
    }
}
