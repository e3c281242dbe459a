package io.orion.portal.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The portal's files (HTML, CSS, JavaScript), read once from the bundle and kept in memory with a
 * content hash as ETag. The folder is flat and names are checked against a strict pattern before
 * anything is looked up, so no request path can reach outside it ("..", "/", "%2e" never match).
 */
final class StaticFiles {

    /** One file as served. */
    record Asset(String name, String contentType, byte[] bytes, String etag) {}

    static final String INDEX = "index.html";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*(\\.[a-z0-9_-]+)*\\.(html|css|js|svg|png)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png");

    private final Function<String, InputStream> open;
    private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

    /** @param open opens a file of the portal's folder by name; null when there is none */
    StaticFiles(Function<String, InputStream> open) {
        this.open = open;
    }

    /** The file a path below {@code /portal/} names ({@code ""} is the index page); empty when there is none. */
    Optional<Asset> find(String path) {
        String name = path.isEmpty() ? INDEX : path;
        if (!NAME.matcher(name).matches()) return Optional.empty();
        return cache.computeIfAbsent(name, this::load);
    }

    private Optional<Asset> load(String name) {
        try (InputStream in = open.apply(name)) {
            if (in == null) return Optional.empty();
            byte[] bytes = in.readAllBytes();
            String ext = name.substring(name.lastIndexOf('.') + 1);
            return Optional.of(new Asset(name, TYPES.get(ext), bytes, etag(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException("portal: cannot read web/" + name + " from the bundle", e);
        }
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
