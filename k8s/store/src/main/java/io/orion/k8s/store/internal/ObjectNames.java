package io.orion.k8s.store.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * ConfigMap names for records: {@code <store>-node-<key>} and {@code <store>-alloc-<key>}, the
 * key lower-cased with anything outside DNS-1123 replaced, plus a hash of the exact key so that
 * two keys never share a name. The exact key is also kept in the object.
 */
final class ObjectNames {
    private static final int MAX = 253;

    private final String store;

    ObjectNames(String store) {
        if (!store.matches("[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?"))
            throw new IllegalArgumentException("store name '" + store + "' must be 1-40 lower-case letters, digits or '-' (a DNS label)");
        this.store = store;
    }

    String node(String name) { return name("node", name); }

    String allocation(String id) { return name("alloc", id); }

    private String name(String kind, String key) {
        String clean = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-").replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
        String hash = hash(key);
        String prefix = store + "-" + kind + "-";
        int room = MAX - prefix.length() - hash.length() - 1;
        if (clean.length() > room) clean = clean.substring(0, room);
        return prefix + (clean.isEmpty() ? "" : clean + "-") + hash;
    }

    private static String hash(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
