package io.orion.server.internal;

import io.orion.api.backend.GpuStream;

/**
 * The seam every kernel launch passes, on the session's own thread, just before the launch is
 * queued on the device. It runs inside the server, so it never costs the client a round trip. A
 * compute-share gate (ORION_RATIO) plugs in here: it may hold the calling thread back while the
 * vGPU is above its share, or measure its GPU time with events on {@code stream}.
 */
@FunctionalInterface
interface LaunchGate {

    /** Lets the launch through, possibly after a wait. */
    void admit(SessionDevice device, GpuStream stream);

    /** No gate: every launch goes through at once. */
    static LaunchGate open() {
        return (device, stream) -> {};
    }
}
