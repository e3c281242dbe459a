package io.orion.k8s.store.itest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The part of the Kubernetes API the store uses, in memory, with the API's rules that matter to
 * it: create refuses an existing name (409), replace with a stale resourceVersion is refused
 * (409), list filters by one label. Objects are kept by path.
 */
final class ApiServerDouble implements AutoCloseable {
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, ObjectNode> objects = new TreeMap<>();
    private final HttpServer http;
    private long version = 100;

    ApiServerDouble() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", this::handle);
        http.start();
    }

    String url() { return "http://127.0.0.1:" + http.getAddress().getPort(); }

    synchronized ObjectNode get(String path) {
        ObjectNode o = objects.get(path);
        return o == null ? null : o.deepCopy();
    }

    /** Changes an object as another client would (a new resourceVersion). */
    synchronized void put(String path, ObjectNode o) {
        ((ObjectNode) o.get("metadata")).put("resourceVersion", Long.toString(++version));
        objects.put(path, o);
    }

    synchronized String paths() { return objects.keySet().toString(); }

    synchronized long count(String prefix) {
        return objects.keySet().stream().filter(k -> k.startsWith(prefix)).count();
    }

    private synchronized void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String query = ex.getRequestURI().getRawQuery();
        byte[] in = ex.getRequestBody().readAllBytes();
        switch (ex.getRequestMethod()) {
            case "GET" -> {
                if (objects.containsKey(path)) answer(ex, 200, objects.get(path));
                else if (path.endsWith("/configmaps")) answer(ex, 200, list(path, query));
                else answer(ex, 404, status("not found: " + path));
            }
            case "POST" -> {
                ObjectNode o = (ObjectNode) json.readTree(in);
                String at = path + "/" + o.path("metadata").path("name").asText();
                if (objects.containsKey(at)) answer(ex, 409, status("already exists: " + at));
                else {
                    put(at, o);
                    answer(ex, 201, o);
                }
            }
            case "PUT" -> {
                ObjectNode o = (ObjectNode) json.readTree(in);
                ObjectNode old = objects.get(path);
                String rv = o.path("metadata").path("resourceVersion").asText("");
                if (old == null) answer(ex, 404, status("not found: " + path));
                else if (!rv.isEmpty() && !rv.equals(old.path("metadata").path("resourceVersion").asText()))
                    answer(ex, 409, status("the object has been modified"));
                else {
                    put(path, o);
                    answer(ex, 200, o);
                }
            }
            case "DELETE" -> {
                ObjectNode old = objects.remove(path);
                answer(ex, old == null ? 404 : 200, old == null ? status("not found") : old);
            }
            default -> answer(ex, 405, status("method " + ex.getRequestMethod()));
        }
    }

    private ObjectNode list(String path, String query) {
        String selector = query == null ? "" : URLDecoder.decode(query.replaceFirst("^labelSelector=", ""), StandardCharsets.UTF_8);
        String[] kv = selector.split("=", 2);
        ObjectNode list = json.createObjectNode().put("kind", "List");
        ArrayNode items = list.putArray("items");
        objects.forEach((p, o) -> {
            if (!p.startsWith(path + "/") || p.substring(path.length() + 1).contains("/")) return;
            if (kv.length == 2 && !kv[1].equals(o.path("metadata").path("labels").path(kv[0]).asText(null))) return;
            items.add(o);
        });
        return list;
    }

    private ObjectNode status(String message) {
        return json.createObjectNode().put("kind", "Status").put("message", message);
    }

    private void answer(HttpExchange ex, int code, ObjectNode body) throws IOException {
        byte[] b = json.writeValueAsBytes(body);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(code, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @Override
    public void close() { http.stop(0); }
}
