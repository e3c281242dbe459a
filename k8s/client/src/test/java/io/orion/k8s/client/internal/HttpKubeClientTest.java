package io.orion.k8s.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.HashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.orion.k8s.client.KubeClient;
import io.orion.k8s.client.KubeException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against fabric8's mock API server in CRUD mode: the calls the components make. */
class HttpKubeClientTest {
    private final ObjectMapper json = new ObjectMapper();
    private KubernetesMockServer server;
    private KubeClient kube;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        kube = KubeClient.of(URI.create(server.url("/")), "orion", () -> "t0k3n", null);
    }

    @AfterEach
    void stop() {
        server.destroy();
    }

    private ObjectNode configMap(String name, String value) throws Exception {
        return (ObjectNode) json.readTree("""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"%s","labels":{"app":"orion"}},"data":{"k":"%s"}}
                """.formatted(name, value));
    }

    @Test
    void createGetListReplacePatchDelete() throws Exception {
        String coll = "/api/v1/namespaces/orion/configmaps";
        kube.create(coll, configMap("a", "1"));
        kube.create(coll, configMap("b", "2"));
        ObjectNode other = configMap("c", "3");
        ((ObjectNode) other.get("metadata")).putObject("labels").put("app", "other");
        kube.create(coll, other);

        assertEquals("1", kube.get(coll + "/a").orElseThrow().path("data").path("k").asText());
        assertTrue(kube.get(coll + "/nope").isEmpty());
        assertEquals(2, kube.list(coll, "app=orion").size());
        assertEquals(3, kube.list(coll, "").size());

        KubeException exists = assertThrows(KubeException.class, () -> kube.create(coll, configMap("a", "9")));
        assertTrue(exists.isConflict(), exists.getMessage());

        ObjectNode a = kube.get(coll + "/a").orElseThrow();
        String staleVersion = a.path("metadata").path("resourceVersion").asText();
        ((ObjectNode) a.get("data")).put("k", "10");
        kube.replace(coll + "/a", a);
        // A second writer that read the same version loses: optimistic concurrency.
        ObjectNode stale = configMap("a", "11");
        ((ObjectNode) stale.get("metadata")).put("resourceVersion", staleVersion);
        KubeException conflict = assertThrows(KubeException.class, () -> kube.replace(coll + "/a", stale));
        assertTrue(conflict.isConflict(), conflict.getMessage());
        assertEquals("10", kube.get(coll + "/a").orElseThrow().path("data").path("k").asText());

        kube.mergePatch(coll + "/b", (ObjectNode) json.readTree("{\"metadata\":{\"labels\":{\"x\":\"y\"}}}"));
        assertEquals("y", kube.get(coll + "/b").orElseThrow().path("metadata").path("labels").path("x").asText());
        assertEquals("orion", kube.get(coll + "/b").orElseThrow().path("metadata").path("labels").path("app").asText());

        assertTrue(kube.delete(coll + "/b"));
        assertFalse(kube.delete(coll + "/b"));
        assertTrue(kube.get(coll + "/b").isEmpty());
        assertEquals("Bearer t0k3n", server.getLastRequest().getHeader("Authorization"));
    }

    @Test
    void unreachableServerNamesTheCall() {
        KubeClient dead = KubeClient.of(URI.create("http://127.0.0.1:1/"), "x", null, null);
        KubeException e = assertThrows(KubeException.class, () -> dead.get("/api/v1/nodes/n1"));
        assertEquals(0, e.status());
        assertTrue(e.getMessage().contains("GET http://127.0.0.1:1/api/v1/nodes/n1"), e.getMessage());
    }

    @Test
    void inClusterNeedsTheServiceEnvironment() {
        KubeException e = assertThrows(KubeException.class, () -> InCluster.client(java.util.Map.of(), java.nio.file.Path.of("/nonexistent")));
        assertTrue(e.getMessage().contains("KUBERNETES_SERVICE_HOST"), e.getMessage());
    }
}
