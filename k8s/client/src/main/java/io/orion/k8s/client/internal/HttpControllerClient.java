package io.orion.k8s.client.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.orion.k8s.client.ControllerClient;
import io.orion.k8s.client.ControllerException;

/** {@link ControllerClient} over the JDK's HTTP client. */
public final class HttpControllerClient implements ControllerClient {

    /** The controller's port (Orion's). */
    public static final int DEFAULT_PORT = 9123;

    private final ObjectMapper json = new ObjectMapper();
    private final String address;
    private final URI base;
    private final Duration timeout;
    private final HttpClient http;

    public HttpControllerClient(String address, Duration timeout) {
        this.address = address == null ? "" : address.strip();
        this.base = base(this.address);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** {@code host}, {@code host:port} or a URL → the URL of the controller's root. */
    static URI base(String address) {
        if (address.isEmpty()) throw new IllegalArgumentException("the controller address is empty; give host:port, e.g. orion-controller:9123");
        String url = address.contains("://") ? address : "http://" + address;
        try {
            URI u = URI.create(url);
            if (u.getHost() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")))
                throw new IllegalArgumentException("controller address '" + address + "' is not host:port or an http(s) URL");
            int port = u.getPort() == -1 ? (address.contains("://") ? -1 : DEFAULT_PORT) : u.getPort();
            return new URI(u.getScheme(), null, u.getHost(), port, "/", null, null);
        } catch (IllegalArgumentException | java.net.URISyntaxException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith("controller address")) throw iae;
            throw new IllegalArgumentException("controller address '" + address + "' is not host:port or an http(s) URL: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public String address() { return address; }

    @Override
    public JsonNode get(String path) {
        return call(HttpRequest.newBuilder(uri(path)).GET(), path);
    }

    @Override
    public JsonNode post(String path, JsonNode body) {
        return call(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())), path);
    }

    @Override
    public boolean delete(String path) {
        try {
            call(HttpRequest.newBuilder(uri(path)).DELETE(), path);
            return true;
        } catch (ControllerException e) {
            if (e.status() == 404) return false;
            throw e;
        }
    }

    private URI uri(String path) {
        return base.resolve(path.startsWith("/") ? path.substring(1) : path);
    }

    private JsonNode call(HttpRequest.Builder b, String path) {
        HttpResponse<String> r;
        try {
            r = http.send(b.timeout(timeout).header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ControllerException(0, "cannot reach the orion controller at " + address + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControllerException(0, "interrupted calling the orion controller at " + address, e);
        }
        String text = r.body() == null ? "" : r.body();
        if (r.statusCode() / 100 != 2)
            throw new ControllerException(r.statusCode(), "orion controller at " + address + " answered " + r.statusCode()
                    + " to " + path + ": " + (text.length() > 300 ? text.substring(0, 300) + "…" : text), null);
        try {
            return text.isBlank() ? json.createObjectNode() : json.readTree(text);
        } catch (IOException e) {
            throw new ControllerException(r.statusCode(), "orion controller at " + address + " answered " + path
                    + " with invalid JSON", e);
        }
    }
}
