package io.orion.k8s.netwait.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.orion.api.platform.BindReady;
import io.orion.k8s.netwait.Interfaces;

import org.osgi.service.condition.Condition;
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
    void theConditionCarriesTheAddressAndTheNodeName() throws Exception {
        Dictionary<String, Object> p = NetWait.properties("ib7", InetAddress.getByName("10.1.2.3"), " gpu-node-7 ");
        assertEquals(BindReady.CONDITION_ID, p.get(Condition.CONDITION_ID));
        assertEquals("ib7", p.get(BindReady.INTERFACE_PROPERTY));
        assertEquals("10.1.2.3", p.get(BindReady.ADDRESS_PROPERTY));
        assertEquals("gpu-node-7", p.get(BindReady.NODE_NAME_PROPERTY));
        assertNull(NetWait.properties("ib7", InetAddress.getByName("10.1.2.3"), "").get(BindReady.NODE_NAME_PROPERTY),
                "without NODE_NAME the agent falls back to its own name");
    }

    @Test
    void withoutAReceiverNothingWaits() throws Exception {
        AtomicBoolean looked = new AtomicBoolean();
        NetWait w = new NetWait("ib7", Duration.ofMillis(10), n -> { looked.set(true); return Optional.empty(); }, null);
        Thread.sleep(200);
        w.deactivate();
        assertFalse(looked.get(), "a role that does not wait (the helper) looks for no interface and logs nothing");
    }

    private static String log() {
        try {
            return Files.readString(Path.of(System.getProperty("org.slf4j.simpleLogger.logFile")));
        } catch (IOException e) {
            return "";
        }
    }
}
