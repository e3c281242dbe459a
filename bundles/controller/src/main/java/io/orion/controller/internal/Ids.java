package io.orion.controller.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Ids for allocations and vGPUs: a prefix and 16 random hex digits (64 bits), unique enough for
 * a pool's lifetime and cheap to make under the pool's lock (no SecureRandom contention).
 */
final class Ids {
    private Ids() {}

    static String allocation() { return "alloc-" + hex(); }

    static String vgpu() { return "vgpu-" + hex(); }

    private static String hex() {
        String h = Long.toHexString(ThreadLocalRandom.current().nextLong());
        return "0".repeat(16 - h.length()) + h;
    }
}
