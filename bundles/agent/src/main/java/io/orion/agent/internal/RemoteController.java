package io.orion.agent.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.orion.api.pool.NodeReport;
import io.orion.api.pool.Vgpu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** A controller elsewhere, reached over its REST API (docs/openapi.yaml). */
final class RemoteController implements ControllerLink {

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());
    private volatile Duration interval = Duration.ofSeconds(5);

    RemoteController(String baseUrl) {
        String b = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
        URI u = URI.create(b);
        if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")))
            throw new IllegalArgumentException("controller '" + baseUrl + "' is not an http(s) URL, e.g. http://controller:9123");
        this.base = u;
    }

    @Override
    public void register(NodeIdentity node) throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", node.name());
        body.put("address", node.address());
        body.put("transports", node.transports());
        body.put("gpus", node.gpus());
        HttpResponse<String> r = send("POST", "api/v1/nodes", json.writeValueAsString(body));
        if (r.statusCode() != 201 && r.statusCode() != 200)
            throw new IOException("the controller refused the registration: HTTP " + r.statusCode() + " " + r.body());
    }

    @Override
    public List<Vgpu> heartbeat(String node, NodeReport report) throws Exception {
        HttpResponse<String> r = send("PUT", "api/v1/nodes/" + node + "/heartbeat", json.writeValueAsString(report));
        if (r.statusCode() == 404 || (r.statusCode() == 400 && r.body().contains("register")))
            throw new UnknownNode(r.body());
        if (r.statusCode() != 200) throw new IOException("heartbeat refused: HTTP " + r.statusCode() + " " + r.body());
        JsonNode answer = json.readTree(r.body());
        int seconds = answer.path("heartbeatSeconds").asInt(5);
        if (seconds > 0) interval = Duration.ofSeconds(seconds);
        List<Vgpu> held = new ArrayList<>();
        for (JsonNode v : answer.path("vgpus")) {
            held.add(new Vgpu(v.path("id").asText(), v.path("allocationId").asText(), v.path("index").asInt(),
                    v.path("node").asText(), v.path("gpu").asText(), v.path("memoryMiB").asLong(), v.path("ratio").asInt(),
                    v.path("groupId").asText("")));
        }
        return held;
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public Duration interval() { return interval; }

    @Override
    public String describe() { return base.toString(); }
}
