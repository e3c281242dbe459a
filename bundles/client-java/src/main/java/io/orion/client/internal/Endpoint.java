package io.orion.client.internal;

import java.net.URI;
import java.nio.file.Path;

/** A parsed endpoint: {@code tcp://host:port}, {@code rdma://host:port} or {@code shm:///path/to/orion.sock}. */
record Endpoint(String scheme, String host, int port, Path socket) {

    static Endpoint parse(String s) {
        URI u;
        try {
            u = URI.create(s.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("endpoint '" + s + "' is not a URI: " + e.getMessage());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme();
        return switch (scheme) {
            case "tcp" -> {
                if (u.getHost() == null) throw new IllegalArgumentException("endpoint '" + s + "' has no host");
                yield new Endpoint("tcp", u.getHost(), u.getPort() < 0 ? 9960 : u.getPort(), null);
            }
            case "rdma" -> {
                if (u.getHost() == null) throw new IllegalArgumentException("endpoint '" + s + "' has no host");
                yield new Endpoint("rdma", u.getHost(), u.getPort() < 0 ? 9961 : u.getPort(), null);
            }
            case "shm" -> {
                if (u.getPath() == null || u.getPath().isEmpty()) throw new IllegalArgumentException("endpoint '" + s + "' names no socket");
                yield new Endpoint("shm", "", 0, Path.of(u.getPath()));
            }
            default -> throw new IllegalArgumentException("endpoint '" + s + "': the scheme must be rdma, tcp or shm");
        };
    }

    @Override
    public String toString() {
        return scheme.equals("shm") ? "shm://" + socket : scheme + "://" + host + ":" + port;
    }
}
