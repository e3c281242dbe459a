package io.orion.k8s.helper.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.orion.k8s.client.KubeClient;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The helper against fabric8's mock API server (CRUD): waiting for the interface, labelling, relabelling. */
class NodeLabelerTest {
    private KubernetesMockServer api;
    private KubeClient kube;

    @BeforeEach
    void start() throws IOException {
        api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        api.init();
        kube = KubeClient.of(URI.create(api.url("/")), "orion", null, null);
        kube.create("/api/v1/nodes", (ObjectNode) new ObjectMapper().readTree("""
                {"apiVersion":"v1","kind":"Node","metadata":{"name":"n1","labels":{"kubernetes.io/hostname":"n1"}}}"""));
    }

    @AfterEach
    void stop() {
        api.destroy();
    }

    private String label() {
        return kube.get("/api/v1/nodes/n1").orElseThrow().path("metadata").path("labels").path("ORION_BIND_ADDR").asText("");
    }

    private static void await(String what, BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void waitsForTheInterfaceThenLabelsAndFollowsAddressChanges() throws Exception {
        AtomicReference<InetAddress> address = new AtomicReference<>();
        NodeLabeler helper = new NodeLabeler("ens9", "n1", "ORION_BIND_ADDR", Duration.ofMillis(50), Duration.ofMillis(100),
                nic -> Optional.ofNullable(address.get()), () -> kube);
        try {
            await("the waiting line", () -> log().contains("Waiting for network interface ens9"));
            assertEquals("", label());
            address.set(InetAddress.getByName("10.0.0.7"));
            await("the label", () -> label().equals("10.0.0.7"));
            assertEquals("n1", kube.get("/api/v1/nodes/n1").orElseThrow().at("/metadata/labels/kubernetes.io~1hostname").asText(),
                    "other labels stay");
            address.set(InetAddress.getByName("10.0.0.8"));
            await("the new address", () -> label().equals("10.0.0.8"));
        } finally {
            helper.deactivate();
        }
    }

    @Test
    void aMissingNodeIsRetriedAndLogged() throws Exception {
        NodeLabeler helper = new NodeLabeler("lo", "ghost", "ORION_BIND_ADDR", Duration.ofMillis(50), Duration.ofSeconds(60),
                nic -> Optional.of(InetAddress.getLoopbackAddress()), () -> kube);
        try {
            await("the failure line", () -> log().contains("cannot label node ghost: node ghost does not exist. Retry in 0 seconds ..."));
        } finally {
            helper.deactivate();
        }
    }

    @Test
    void ipv6LabelValuesAreValidLabelValues() throws Exception {
        assertEquals("fd00-0-0-0-0-0-0-1", NodeLabeler.labelValue(InetAddress.getByName("fd00::1")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NodeLabeler("eth0", "", "L",
                Duration.ofSeconds(1), Duration.ofSeconds(1), n -> Optional.empty(), () -> kube));
        assertTrue(e.getMessage().contains("NODE_NAME"), e.getMessage());
    }

    private static String log() {
        try {
            return Files.readString(Path.of(System.getProperty("org.slf4j.simpleLogger.logFile")));
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void aConfiguredApiServerIsUsedAndABadOneIsNamed() {
        assertEquals("n1", NodeLabeler.kube(api.url("/")).get().get("/api/v1/nodes/n1").orElseThrow().path("metadata").path("name").asText());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeLabeler.kube("ftp://api:6443"));
        assertEquals("apiServer 'ftp://api:6443' in io.orion.k8s.helper is not an http(s) URL", e.getMessage());
    }
}
