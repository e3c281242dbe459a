package io.orion.server.internal;

import io.orion.api.backend.GpuStream;
import io.orion.api.server.VgpuStatus;
import io.orion.server.internal.gate.Admission;

/**
 * The seam every kernel launch passes, on the session's own thread, just before the launch is
 * queued on the device. It runs inside the server, so it never costs the client a round trip. The
 * compute gate ({@link GatedLaunches}) plugs in here: it holds the calling thread back while the
 * vGPU is not its GPU's holder, and measures its GPU time with events on {@code stream}.
 */
interface LaunchGate {

    /** Lets the launch through, possibly after a wait; the admission's {@code done()} follows the launch. */
    Admission admit(SessionDevice device, GpuStream stream);

    /** Before the session destroys a stream of the device. */
    default void streamDestroyed(SessionDevice device, GpuStream stream) {}

    /**
     * The device's session is closing; called from whichever thread closes it, before the session's
     * lock is taken (its own thread may be waiting in {@link #admit} holding it).
     */
    default void closing(SessionDevice device) {}

    /** A vGPU's share changed. */
    default void changed() {}

    /** The vGPU's status with what the gate knows of it. */
    default VgpuStatus describe(Grant grant, VgpuStatus status) { return status; }

    /** No gate: every launch goes through at once. */
    static LaunchGate open() {
        return (device, stream) -> Admission.NONE;
    }
}
