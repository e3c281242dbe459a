package io.orion.k8s.scheduler.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.orion.k8s.client.ControllerClient;
import io.orion.k8s.client.KubeClient;
import io.orion.k8s.scheduler.internal.SchedulerConfig.Placement;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The extender's verbs with kube-scheduler's own JSON: the upstream compatibility strings
 * (types_test.go) and nodeCacheCapable payloads, against a controller pool over HTTP and, for
 * bind, fabric8's mock API server.
 */
class ExtenderTest {
    private static final String NODES = """
            [{"name":"gpu-node-1","state":"up"},{"name":"gpu-node-2","state":"up"},{"name":"gpu-node-3","state":"draining"}]""";
    // gpu-node-1: one GPU with 16 GiB free; gpu-node-2: one GPU with 2 GiB free; gpu-node-3 is draining.
    private static final String GPUS = """
            [{"uuid":"GPU-a","node":"gpu-node-1","memoryMiB":81920,"allocatedMemoryMiB":65536,"allocatedRatio":50,"vgpus":2,"vgpuSlots":8},
             {"uuid":"GPU-b","node":"gpu-node-2","memoryMiB":81920,"allocatedMemoryMiB":79872,"allocatedRatio":0,"vgpus":1,"vgpuSlots":8},
             {"uuid":"GPU-c","node":"gpu-node-3","memoryMiB":81920,"allocatedMemoryMiB":0,"allocatedRatio":0,"vgpus":0,"vgpuSlots":8}]""";

    private final ObjectMapper json = new ObjectMapper();
    private FakePool pool;
    private KubernetesMockServer api;
    private KubeClient kube;

    @BeforeEach
    void start() throws IOException {
        pool = new FakePool(NODES, GPUS);
        // CRUD mode plus expectations: an expected request gets its canned answer, every other one CRUD.
        var responses = new HashMap<io.fabric8.mockwebserver.ServerRequest, java.util.Queue<io.fabric8.mockwebserver.ServerResponse>>();
        api = new KubernetesMockServer(new Context(), new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), false);
        api.init();
        kube = KubeClient.of(URI.create(api.url("/")), "default", null, null);
    }

    @AfterEach
    void stop() {
        pool.close();
        api.destroy();
    }

    private Extender extender(Placement placement) {
        return new Extender(ControllerClient.of(pool.address(), Duration.ofSeconds(2)), () -> kube, "virtaitech.com/gpu",
                placement, 0, 50, Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC));
    }

    private JsonNode fixture(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/fixtures/" + name)) {
            return json.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static List<String> names(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    @Test
    void filterResultHasExactlyTheUpstreamFieldNames() throws IOException {
        JsonNode out = extender(Placement.anywhere).filter(fixture("ExtenderArgs.upstream.json"));
        // A pod that asks for no vGPU passes everywhere; the answer has the upstream shape, field for field.
        JsonNode upstream = fixture("ExtenderFilterResult.upstream.json");
        assertEquals(names(upstream::fieldNames), names(out::fieldNames));
        assertEquals(List.of("nodename"), out.path("Nodes").path("items").findValuesAsText("name"));
        assertEquals(upstream.path("Nodes").path("items").get(0), out.path("Nodes").path("items").get(0), "node objects pass through untouched");
        assertEquals(List.of("node1"), names(out.path("NodeNames")));
        assertEquals("", out.path("Error").asText());
    }

    private static List<String> names(Iterable<String> it) {
        return StreamSupport.stream(it.spliterator(), false).toList();
    }

    @Test
    void filterAnywherePassesEveryNodeWhenThePoolHasRoom() throws IOException {
        JsonNode out = extender(Placement.anywhere).filter(fixture("ExtenderArgs.nodeCacheCapable.example.json"));
        assertEquals(List.of("gpu-node-1", "gpu-node-2", "cpu-node-1"), names(out.path("NodeNames")));
        assertTrue(out.path("Nodes").isNull());
        assertEquals(0, out.path("FailedNodes").size());
    }

    @Test
    void filterLocalKeepsOnlyNodesWhoseGpusFit() throws IOException {
        JsonNode out = extender(Placement.local).filter(fixture("ExtenderArgs.nodeCacheCapable.example.json"));
        assertEquals(List.of("gpu-node-1"), names(out.path("NodeNames")));
        assertEquals("no GPU of this node has room for 1 vGPU(s) of 4096 MiB and 50%", out.path("FailedNodes").path("gpu-node-2").asText());
        assertTrue(out.path("FailedNodes").has("cpu-node-1"));
        assertEquals("", out.path("Error").asText());
    }

    @Test
    void filterFailsEveryNodeWhenThePoolHasNoRoom() throws IOException {
        ObjectNode args = (ObjectNode) fixture("ExtenderArgs.nodeCacheCapable.example.json");
        ((ObjectNode) args.at("/Pod/spec/containers/0/env/0")).put("value", "20000");
        JsonNode out = extender(Placement.anywhere).filter(args);
        assertEquals(0, out.path("NodeNames").size());
        assertEquals("the Orion pool has no room for 1 vGPU(s) of 20000 MiB and 50% on one node",
                out.path("FailedNodes").path("cpu-node-1").asText());
    }

    @Test
    void filterReportsAnUnreachableControllerInError() throws IOException {
        String address = pool.address();
        pool.close();
        Extender e = new Extender(ControllerClient.of(address, Duration.ofSeconds(1)), () -> kube, "virtaitech.com/gpu",
                Placement.anywhere, 0, 100, Clock.systemUTC());
        JsonNode out = e.filter(fixture("ExtenderArgs.nodeCacheCapable.example.json"));
        assertEquals("Cannot reach orion controller at " + address, out.path("Error").asText());
        assertEquals(0, out.path("NodeNames").size());
    }

    @Test
    void filterNamesABadOrionVariable() throws IOException {
        ObjectNode args = (ObjectNode) fixture("ExtenderArgs.nodeCacheCapable.example.json");
        ((ObjectNode) args.at("/Pod/spec/containers/0/env/0")).put("name", "ORION_RATIO").put("value", "150");
        JsonNode out = extender(Placement.anywhere).filter(args);
        assertEquals("pod default/testgpu: ORION_RATIO must be 1..100, was '150'", out.path("Error").asText());
    }

    @Test
    void prioritizeAnswersHostPriorities() throws IOException {
        JsonNode out = extender(Placement.anywhere).prioritize(fixture("ExtenderArgs.nodeCacheCapable.example.json"));
        JsonNode upstream = fixture("HostPriority.upstream.json");
        assertEquals(names(upstream::fieldNames), names(out.get(0)::fieldNames));
        assertEquals("gpu-node-1", out.get(0).path("Host").asText());
        assertEquals(6, out.get(0).path("Score").asInt(), "local fit: 5 + 5 x 20% free");
        assertEquals(0, out.get(1).path("Score").asInt(), "2 GiB free: no local fit");
        assertEquals(0, out.get(2).path("Score").asInt(), "no GPUs");
        for (JsonNode p : out) assertTrue(p.path("Score").asInt() >= 0 && p.path("Score").asInt() <= 10);
    }

    /** The upstream binding arguments, with the uid the API server gave the pod. */
    private JsonNode bindArgs() throws IOException {
        ObjectNode args = (ObjectNode) fixture("ExtenderBindingArgs.upstream.json");
        kube.get("/api/v1/namespaces/mypodnamespace/pods/mypodname")
                .ifPresent(p -> args.put("PodUID", p.at("/metadata/uid").asText()));
        return args;
    }

    @Test
    void bindAnnotatesThePodAndCreatesItsBinding() throws IOException {
        kube.create("/api/v1/namespaces/mypodnamespace/pods", (ObjectNode) json.readTree("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"mypodname","namespace":"mypodnamespace","uid":"mypoduid"},
                 "spec":{"schedulerName":"orion-scheduler","containers":[{"name":"c","image":"x"}]}}"""));
        JsonNode out = extender(Placement.anywhere).bind(bindArgs());
        assertEquals(names(fixture("ExtenderBindingResult.upstream.json")::fieldNames), names(out::fieldNames));
        assertEquals("", out.path("Error").asText());
        JsonNode pod = kube.get("/api/v1/namespaces/mypodnamespace/pods/mypodname").orElseThrow();
        assertEquals("mynode", pod.at("/metadata/annotations/orion.io~1scheduled-node").asText());
        assertEquals("1795867200", pod.at("/metadata/annotations/orion.io~1bind-time").asText());
        JsonNode binding = kube.get("/api/v1/namespaces/mypodnamespace/bindings/mypodname").orElseThrow();
        assertEquals("mynode", binding.at("/target/name").asText());
        assertEquals("Node", binding.at("/target/kind").asText());
    }

    @Test
    void bindErrorsComeBackInTheResult() throws IOException {
        JsonNode missing = extender(Placement.anywhere).bind(fixture("ExtenderBindingArgs.upstream.json"));
        assertEquals("pod mypodnamespace/mypodname does not exist", missing.path("Error").asText());

        kube.create("/api/v1/namespaces/mypodnamespace/pods", (ObjectNode) json.readTree("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"mypodname","namespace":"mypodnamespace"},"spec":{"containers":[]}}"""));
        // The upstream arguments carry uid "mypoduid": not the pod that exists now.
        JsonNode recreated = extender(Placement.anywhere).bind(fixture("ExtenderBindingArgs.upstream.json"));
        assertTrue(recreated.path("Error").asText().endsWith(", not mypoduid (it was recreated)"), recreated.toString());

        // The API server refuses the Binding (expectations take precedence over CRUD here).
        api.expect().post().withPath("/api/v1/namespaces/mypodnamespace/bindings")
                .andReturn(409, "{\"kind\":\"Status\",\"message\":\"pod mypodname is already assigned to node other\"}").once();
        JsonNode refused = extender(Placement.anywhere).bind(bindArgs());
        assertTrue(refused.path("Error").asText().endsWith("answered 409: pod mypodname is already assigned to node other"),
                refused.toString());
    }

    @Test
    void servletRoutesVerbs() throws IOException {
        ExtenderServlet servlet = new ExtenderServlet(extender(Placement.anywhere));
        assertTrue(servlet.answer("/filter", fixture("ExtenderArgs.upstream.json")).has("FailedNodes"));
        assertTrue(servlet.answer("/prioritize", fixture("ExtenderArgs.upstream.json")).isArray());
        assertNull(servlet.answer("/preempt", fixture("ExtenderArgs.upstream.json")));
    }

    @Test
    void podRequestSumsContainersAndTakesTheLargestInitContainer() throws IOException {
        JsonNode pod = json.readTree("""
                {"spec":{"initContainers":[{"name":"i","resources":{"limits":{"virtaitech.com/gpu":"3"}}}],
                 "containers":[{"name":"a","resources":{"limits":{"virtaitech.com/gpu":"1"}},"env":[{"name":"ORION_GMEM","value":"2048"},{"name":"ORION_CROSS_NODE","value":"1"}]},
                               {"name":"b","resources":{"requests":{"virtaitech.com/gpu":"1"}},"env":[{"name":"ORION_GMEM","valueFrom":{"fieldRef":{"fieldPath":"x"}}}]},
                               {"name":"c"}]}}""");
        assertEquals(new PodRequest(3, 2048, 100, true), PodRequest.of(pod, "virtaitech.com/gpu", 1, 100));
        JsonNode bad = json.readTree("{\"spec\":{\"containers\":[{\"name\":\"a\",\"resources\":{\"limits\":{\"virtaitech.com/gpu\":\"500m\"}}}]}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PodRequest.of(bad, "virtaitech.com/gpu", 1, 100));
        assertTrue(e.getMessage().contains("'500m'"), e.getMessage());
    }
}
