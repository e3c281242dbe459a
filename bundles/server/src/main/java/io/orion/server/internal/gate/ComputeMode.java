package io.orion.server.internal.gate;

import java.util.Locale;

/** How a vGPU's compute share ({@code ORION_RATIO}) is enforced. */
public enum ComputeMode {
    /** The share is a cap: the vGPU never gets more, even on an otherwise idle GPU. */
    STRICT,
    /** The share is a floor under contention: idle capacity may be borrowed and is given back as soon as others need it. */
    ELASTIC,
    /** No gate at all: launches go straight to the device and contexts are time-sliced by the GPU (server-wide only). */
    OFF;

    /** The configuration spelling: strict, elastic, off. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a configuration value; {@code what} names the setting in the error.
     *
     * @throws IllegalArgumentException naming the setting and the bad value
     */
    public static ComputeMode parse(String value, String what, boolean offAllowed) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (ComputeMode m : values()) {
            if (m.label().equals(v) && (offAllowed || m != OFF)) return m;
        }
        throw new IllegalArgumentException(what + " must be " + (offAllowed ? "strict, elastic or off" : "strict or elastic")
                + ", was '" + value + "'");
    }
}
