package io.orion.server.internal.gate;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuEvent;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gate knows of one session's device (context): the launches it queued per stream, in
 * intervals timed by event pairs, and how much of its queued work is not known to be done.
 *
 * <p>Events cost a driver call each, so they are not recorded around every launch: an interval
 * holds as many launches as fit in the quantum by the running estimate of a launch's GPU time
 * (at most {@value #MAX_PER_INTERVAL}), so tiny kernels share one pair while kernels of a
 * millisecond get a pair each. The same estimate bounds the work queued ahead (the lookahead),
 * which is what a hand-over has to wait for.
 *
 * <p>Threads: the session's thread launches (begin, end, awaitRoom); the gate's thread closes
 * intervals, waits for them and probes (it never launches). Both under {@link #lock}, released
 * while waiting on the device and before charging the gate (lock order: a track's lock is never
 * held while the gate's is taken).
 */
public final class DeviceTrack {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceTrack.class);
    static final int MAX_PER_INTERVAL = 128;
    /** Launches queued but not known done, at most, whatever the estimate says. */
    static final int MAX_PENDING = 256;
    /** How often a session's thread looks whether its oldest queued interval is done, while it waits for room. */
    private static final long POLL_NANOS = 100_000;
    /** A drain polls closely from this long before its estimated end: the hand-over's latency. */
    private static final long CLOSE_WATCH_NANOS = 200_000;
    /** Before that, it looks between naps this long (the OS makes them somewhat longer). */
    private static final long NAP_NANOS = 30_000;

    final Tenant tenant;
    /** The vGPU this device belongs to (a member of {@link #tenant}): its account gets what this device consumes. */
    final GateTenant vgpu;
    private final GpuGate gate;
    private final GpuContext context;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<GpuStream, Lane> lanes = new HashMap<>();
    private final Lane defaultLane = new Lane(null);
    private final ArrayDeque<Lane.Interval> outstanding = new ArrayDeque<>();
    private final ArrayDeque<GpuEvent> spare = new ArrayDeque<>();
    private long pendingLaunches;
    private long perLaunchNanos;
    private boolean measured;
    private int perInterval = 1;
    private volatile boolean closed;

    DeviceTrack(GpuGate gate, Tenant tenant, GateTenant vgpu, GpuContext context, long lookaheadNanos) {
        this.gate = gate;
        this.tenant = tenant;
        this.vgpu = vgpu;
        this.context = context;
        // until measured, assume long kernels: two in flight, a pair of events each
        this.perLaunchNanos = lookaheadNanos / 2;
    }

    // ---- the session's thread ----------------------------------------------------------------------

    /**
     * Before a launch: waits while the device has the lookahead's worth of work queued (its own
     * work; nothing of other sessions). Not counted as held back: it is the device being busy.
     */
    void awaitRoom(long lookaheadNanos) {
        while (true) {
            GpuEvent wait;
            lock.lock();
            try {
                checkOpen();
                if (pendingLaunches < MAX_PENDING && (pendingLaunches < 2 || pendingLaunches * perLaunchNanos < lookaheadNanos)) return;
                if (outstanding.isEmpty()) closeOpenIntervals(false); // right before its next launch: work is queued
                if (outstanding.isEmpty()) return; // nothing measurable queued: let it go
                wait = outstanding.peekFirst().end;
            } finally {
                lock.unlock();
            }
            pollUntilDone(wait);
            observe();
        }
    }

    /**
     * Waits for the session's own oldest interval by polling: the lookahead leaves plenty queued
     * after it, so a late look costs nothing, while a driver wait would spin a core per busy session.
     */
    private void pollUntilDone(GpuEvent e) {
        try {
            while (!closed && !context.isComplete(e)) LockSupport.parkNanos(POLL_NANOS);
        } catch (RuntimeException ex) {
            LOG.debug("polling an interval failed: {}", ex.toString());
        }
    }

    /**
     * Counts a launch into its stream's interval (opening one with a start event) if the tenant
     * may launch now; null (nothing changed) when it may not. The tenant's flag is read under
     * this lock, which the gate's thread takes after clearing it: either the launch is counted
     * before the gate looks, or it sees the gate closed.
     */
    Lane begin(GpuStream stream) {
        lock.lock();
        try {
            checkOpen();
            if (!tenant.admitted) return null;
            Lane l = stream == null ? defaultLane : lanes.computeIfAbsent(stream, Lane::new);
            if (l.open == null) l.open = new Lane.Interval(l, record(stream));
            l.open.launches++;
            l.launching = true;
            pendingLaunches++;
            return l;
        } finally {
            lock.unlock();
        }
    }

    /** After the launch was queued (or failed): closes the interval when it holds its quantum. */
    void end(Lane l) {
        long charge;
        lock.lock();
        try {
            l.launching = false;
            if (closed) return;
            charge = 0;
            if (l.open != null && l.open.launches >= perInterval) {
                close(l);
                // one query per interval (not per launch) keeps the account current
                if (outstanding.size() > 1) charge = pollHead();
            }
        } finally {
            lock.unlock();
        }
        if (charge > 0) gate.charge(tenant, vgpu, charge);
    }

    /** The session destroys a stream: its open interval ends here, while the stream still takes events. */
    void forget(GpuStream stream) {
        lock.lock();
        try {
            Lane l = lanes.remove(stream);
            if (l != null && l.open != null && !closed) close(l, true); // it may have stood idle since
        } finally {
            lock.unlock();
        }
    }

    // ---- the gate's thread ---------------------------------------------------------------------------

    /** A launch is between begin and end on some stream. */
    boolean launching() {
        lock.lock();
        try {
            if (defaultLane.launching) return true;
            for (Lane l : lanes.values()) if (l.launching) return true;
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until all measured work is done and charges it: the drain of a closing slice. Naps in
     * short steps while the estimate says much is left, then polls closely, so that the GPU idles
     * as briefly as possible between two holders without a core spinning through long drains (an
     * estimate that is too long costs at most one nap).
     *
     * @param deadline the gate's clock time after which it stops waiting
     * @return false when the deadline passed with work still queued (a kernel far longer than a slice)
     */
    boolean drain(long deadline) {
        lock.lock();
        try {
            if (closed) return true;
            closeOpenIntervals(true);
        } finally {
            lock.unlock();
        }
        while (true) {
            GpuEvent wait;
            long left;
            lock.lock();
            try {
                if (closed || outstanding.isEmpty()) return true;
                Lane.Interval head = outstanding.peekFirst(); // oldest first: streams may finish out of order
                wait = head.end;
                left = head.launches * perLaunchNanos;
            } finally {
                lock.unlock();
            }
            if (!doneBy(wait, left, deadline)) return false;
            observe();
        }
    }

    /** Whether the event completes before the deadline; {@code expected}: the estimated time until it does. */
    private boolean doneBy(GpuEvent e, long expected, long deadline) {
        try {
            long watchFrom = gate.now() + expected - CLOSE_WATCH_NANOS;
            while (!closed && !context.isComplete(e)) {
                long now = gate.now();
                if (now - deadline > 0) return false;
                if (watchFrom - now > 0) LockSupport.parkNanos(NAP_NANOS);
                else Thread.onSpinWait();
            }
        } catch (RuntimeException ex) {
            // an error of the session's own work: its client hears of it at its next synchronize
            LOG.debug("waiting for an interval failed: {}", ex.toString());
        }
        return true;
    }

    /** Closes what is open (where no launch is under way) and charges what is done; true if nothing is left queued. */
    boolean probe() {
        lock.lock();
        try {
            if (closed) return true;
            closeOpenIntervals(true);
        } finally {
            lock.unlock();
        }
        observe();
        lock.lock();
        try {
            return closed || pendingLaunches == 0;
        } finally {
            lock.unlock();
        }
    }

    /** The session is closing: nothing of this device is measured or waited for any more. */
    void close() {
        lock.lock();
        try {
            closed = true;
            outstanding.clear();
            spare.clear();
            lanes.clear();
            defaultLane.open = null;
            pendingLaunches = 0;
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        return closed;
    }

    GpuGate gate() {
        return gate;
    }

    /** Launches per interval now. */
    int perInterval() {
        lock.lock();
        try {
            return perInterval;
        } finally {
            lock.unlock();
        }
    }

    // ---- measuring (under the lock) -------------------------------------------------------------------

    private void checkOpen() {
        if (closed) throw new GpuException(CudaError.INVALID_CONTEXT, "the session ended while its launch waited in the compute gate");
    }

    /** Charges the intervals that are done, oldest first, without waiting. */
    private void observe() {
        long charge;
        lock.lock();
        try {
            charge = 0;
            long c;
            while ((c = pollHead()) >= 0) charge += c;
        } finally {
            lock.unlock();
        }
        if (charge > 0) gate.charge(tenant, vgpu, charge);
    }

    /** The oldest interval's GPU time if it is done (it is then forgotten), else -1. */
    private long pollHead() {
        Lane.Interval i = outstanding.peekFirst();
        if (i == null || closed) return -1;
        long span;
        try {
            if (!context.isComplete(i.end)) return -1;
            span = Math.max(0, Math.round(context.elapsedMillis(i.start, i.end) * 1e6));
        } catch (RuntimeException e) {
            // the context failed (an error of the session's own work, or it is closing): nothing to measure
            LOG.debug("measuring an interval failed: {}", e.toString());
            span = 0;
        }
        outstanding.pollFirst();
        pendingLaunches -= i.launches;
        if (i.endedLate) {
            // half as much again as the estimate: room for its noise, not for a stream that stood idle for long
            if (measured) span = Math.min(span, i.launches * perLaunchNanos * 3 / 2);
        } else {
            learn(span, i.launches);
        }
        spare.add(i.start);
        spare.add(i.end);
        return span;
    }

    /** Updates the estimate of a launch's GPU time, and with it how many launches share an event pair. */
    private void learn(long span, int launches) {
        if (launches <= 0) return;
        long each = Math.max(1, span / launches);
        perLaunchNanos = measured ? (3 * perLaunchNanos + each) / 4 : each;
        measured = true;
        long q = gate.settings().quantum().toNanos();
        perInterval = (int) Math.max(1, Math.min(MAX_PER_INTERVAL, q / perLaunchNanos));
    }

    /** Ends the open intervals of streams no launch is under way on; {@code late}: maybe after the stream stood idle. */
    private void closeOpenIntervals(boolean late) {
        if (defaultLane.open != null && !defaultLane.launching) close(defaultLane, late);
        for (Lane l : lanes.values()) if (l.open != null && !l.launching) close(l, late);
    }

    private void close(Lane l) {
        close(l, false);
    }

    /** Ends the lane's interval with an event after its last launch (or, {@code late}, whenever the gate's thread does). */
    private void close(Lane l, boolean late) {
        Lane.Interval i = l.open;
        l.open = null;
        if (i.launches == 0) {
            spare.add(i.start);
            return;
        }
        i.end = record(l.stream);
        i.endedLate = late;
        outstanding.addLast(i);
    }

    private GpuEvent record(GpuStream stream) {
        GpuEvent e = spare.pollFirst();
        if (e == null) e = context.createEvent(true, false);
        context.record(e, stream);
        return e;
    }
}
