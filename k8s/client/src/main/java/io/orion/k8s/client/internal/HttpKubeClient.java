package io.orion.k8s.client.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.orion.k8s.client.KubeClient;
import io.orion.k8s.client.KubeException;

/** {@link KubeClient} over the JDK's HTTP client; bodies are Jackson trees. */
public final class HttpKubeClient implements KubeClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final ObjectMapper json = new ObjectMapper();
    private final URI server;
    private final String namespace;
    private final Supplier<String> token;
    private final HttpClient http;

    public HttpKubeClient(URI server, String namespace, Supplier<String> token, SSLContext tls) {
        this.server = Objects.requireNonNull(server, "server");
        this.namespace = namespace == null || namespace.isBlank() ? "default" : namespace;
        this.token = token == null ? () -> "" : token;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(TIMEOUT);
        if (tls != null) b.sslContext(tls);
        this.http = b.build();
    }

    @Override
    public Optional<ObjectNode> get(String path) {
        HttpResponse<String> r = send("GET", path, null, null);
        if (r.statusCode() == 404) return Optional.empty();
        return Optional.of(body("GET", path, r));
    }

    @Override
    public List<ObjectNode> list(String collectionPath, String labelSelector) {
        String path = labelSelector == null || labelSelector.isBlank() ? collectionPath
                : collectionPath + "?labelSelector=" + URLEncoder.encode(labelSelector, StandardCharsets.UTF_8);
        ObjectNode list = body("GET", path, send("GET", path, null, null));
        List<ObjectNode> items = new ArrayList<>();
        for (JsonNode item : list.path("items")) if (item instanceof ObjectNode o) items.add(o);
        return items;
    }

    @Override
    public ObjectNode create(String collectionPath, ObjectNode object) {
        return body("POST", collectionPath, send("POST", collectionPath, object, "application/json"));
    }

    @Override
    public ObjectNode replace(String path, ObjectNode object) {
        return body("PUT", path, send("PUT", path, object, "application/json"));
    }

    @Override
    public ObjectNode mergePatch(String path, ObjectNode patch) {
        return body("PATCH", path, send("PATCH", path, patch, "application/merge-patch+json"));
    }

    @Override
    public boolean delete(String path) {
        HttpResponse<String> r = send("DELETE", path, null, null);
        if (r.statusCode() == 404) return false;
        body("DELETE", path, r);
        return true;
    }

    @Override
    public String namespace() { return namespace; }

    private HttpResponse<String> send(String method, String path, JsonNode body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.resolve(path)).timeout(TIMEOUT)
                .header("Accept", "application/json");
        String t = token.get();
        if (t != null && !t.isBlank()) b.header("Authorization", "Bearer " + t.strip());
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new KubeException(0, method + " " + server.resolve(path) + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubeException(0, method + " " + path + " interrupted", e);
        }
    }

    /** The answer as an object, or a {@link KubeException} with the API's own message for a non-2xx status. */
    private ObjectNode body(String method, String path, HttpResponse<String> r) {
        String text = r.body() == null ? "" : r.body();
        if (r.statusCode() / 100 != 2) {
            String message = text;
            try {
                JsonNode status = json.readTree(text);
                if (status != null && status.hasNonNull("message")) message = status.get("message").asText();
            } catch (IOException notJson) {
                // the server's text is the best message there is
            }
            throw new KubeException(r.statusCode(), method + " " + path + " answered " + r.statusCode() + ": " + message);
        }
        try {
            JsonNode node = text.isBlank() ? json.createObjectNode() : json.readTree(text);
            if (node instanceof ObjectNode o) return o;
            throw new KubeException(r.statusCode(), method + " " + path + " answered " + r.statusCode()
                    + " with a body that is not a JSON object: " + abbreviate(text));
        } catch (IOException e) {
            throw new KubeException(r.statusCode(), method + " " + path + " answered with invalid JSON: " + abbreviate(text), e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
