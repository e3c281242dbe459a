package io.orion.server.internal.gate;

import io.orion.api.backend.GpuEvent;
import io.orion.api.backend.GpuStream;

/**
 * One stream of a session's device as the gate measures it: the interval of launches it is
 * filling now. Guarded by its {@link DeviceTrack}'s lock.
 */
final class Lane {
    /** The stream; null for the default stream. */
    final GpuStream stream;
    /** The interval being filled; null between intervals. */
    Interval open;
    /** A launch on this stream is between {@code begin} and {@code end}: its interval cannot be closed under it. */
    boolean launching;

    Lane(GpuStream stream) {
        this.stream = stream;
    }

    /**
     * Launches measured together: an event recorded before the first and one after the last, so
     * that the pair times exactly this stream's work (the gate lets one vGPU at a time on the GPU).
     * The span runs from when the stream reached the first launch, not from the previous interval's
     * end: time the stream stood empty between intervals is not charged.
     */
    static final class Interval {
        final Lane lane;
        final GpuEvent start;
        GpuEvent end;
        int launches;
        /**
         * Ended by the gate's thread rather than after a launch: the stream may have stood empty
         * since its last launch, and the end event then times that idle time too. Its charge is
         * bounded by the launches' estimated GPU time.
         */
        boolean endedLate;

        Interval(Lane lane, GpuEvent start) {
            this.lane = lane;
            this.start = start;
        }
    }
}
