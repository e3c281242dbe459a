package io.orion.server.internal.gate;

import java.util.ArrayList;
import java.util.List;

/**
 * Who may use one GPU now: the decisions of the compute gate, without threads or devices, driven
 * by a clock the caller passes in (so that tests can run it in simulated time).
 *
 * <p>The GPU is given out in <b>exclusive slices</b>: one tenant (vGPU) at a time may queue kernels.
 * That is what makes the measurement exact: event timings around a tenant's work cover only its
 * own work, never another context's time slice. Among the tenants waiting, the one with the least
 * <b>virtual time</b> (GPU time consumed × 100 / ratio) goes next: weighted fair queuing on measured
 * consumption, so over time each gets GPU time in proportion to its ratio. A slice ends after
 * {@code slice} when someone else waits (not before: switching costs a drain), or earlier when the
 * holder goes quiet ({@code idleGrace} without a launch and all its work done). Alone, an elastic
 * tenant keeps the GPU as long as it likes, and the gate does nothing at all (the fast path).
 *
 * <p>A <b>strict</b> tenant below 100 % also has a budget: ratio % of the wall clock, refilled
 * continuously, capped at two slices, debited by what it consumes. It is only given the GPU when a
 * whole slice is in its budget; otherwise the GPU stays idle for it, also when nobody else wants it.
 *
 * <p>Not thread-safe: the GPU gate calls it under its lock.
 */
final class ShareScheduler {
    static final long NEVER = Long.MAX_VALUE;

    enum Phase { FREE, HOLDING, CLOSING }

    private final List<Tenant> tenants = new ArrayList<>();
    private long slice, idleGrace, quietConfirm, window;
    private Phase phase = Phase.FREE;
    private Tenant holder, lastHolder;
    /** When the holder got the GPU; charges within a hold never exceed the wall time since (several processes of one group). */
    private long holdStart, holdCharged;
    /** When the current slice began (extended in place when the holder stays), and when a capped holder's ends. */
    private long sliceStart, sliceEnd;
    private long switches, grants;

    ShareScheduler(GateSettings s) {
        configure(s, 0);
    }

    /** New settings; the running slice keeps going under the new ones. */
    void configure(GateSettings s, long now) {
        slice = s.slice().toNanos();
        idleGrace = s.idleGrace().toNanos();
        quietConfirm = Math.max(idleGrace / 4, 50_000);
        window = s.shareWindow().toNanos();
        for (Tenant t : tenants) t.mode = t.modeIn(s);
        if (phase == Phase.HOLDING) sliceEnd = holder.capped() ? Math.min(sliceEnd, now + slice) : NEVER;
    }

    long shareWindowNanos() { return window; }

    Tenant holder() { return phase == Phase.FREE ? null : holder; }

    /** Hand-overs of the GPU to another tenant so far. */
    long switches() { return switches; }

    /** Slices given out so far (a hand-over back to the same tenant after a drain counts too). */
    long grants() { return grants; }

    // ---- inputs ------------------------------------------------------------------------------------

    void add(Tenant t, long now) {
        t.budget = slice; // a strict tenant may start with one slice
        t.budgetAt = now;
        t.inactiveSince = now - slice - 1; // levelled with the others when it first waits
        tenants.add(t);
    }

    /** The tenant's last device closed: it is gone, whatever it held. */
    void remove(Tenant t, long now) {
        tenants.remove(t);
        if (holder == t) {
            holder = null;
            phase = Phase.FREE;
        }
        if (lastHolder == t) lastHolder = null;
    }

    /** Forgets who holds the GPU (the gate was off and comes back: nobody's work was held or measured meanwhile). */
    void reset(long now) {
        holder = null;
        lastHolder = null;
        phase = Phase.FREE;
        for (Tenant t : tenants) {
            t.budget = slice;
            t.budgetAt = now;
        }
    }

    /** A session thread of {@code t} starts ({@code +1}) or stops ({@code -1}) waiting for the GPU. */
    void waiting(Tenant t, int delta, long now) {
        if (delta > 0 && t.waiting == 0) {
            t.waitingSince = now;
            if (t != holder && now - t.inactiveSince > slice) level(t);
        }
        t.waiting = Math.max(0, t.waiting + delta);
        if (t.waiting == 0 && t != holder) t.inactiveSince = now;
    }

    /**
     * A tenant back from a pause starts at the least virtual time of those active, not behind it:
     * idling earns no credit (else it would take the GPU for as long as it was away).
     */
    private void level(Tenant t) {
        long min = NEVER;
        for (Tenant o : tenants) {
            if (o != t && (o == holder && phase != Phase.FREE || o.waiting > 0)) min = Math.min(min, o.vtime);
        }
        if (min != NEVER && t.vtime < min) t.vtime = min;
    }

    /**
     * GPU time that a process of {@code vgpu}, a member of {@code t}, was measured to consume: it
     * counts against the tenant's share (the group's, summed over its processes), and is written to
     * the vGPU's account and its group's.
     */
    void charge(Tenant t, GateTenant vgpu, long nanos, long now) {
        if (nanos <= 0) return;
        if (t == holder && phase != Phase.FREE) {
            // processes of one group run side by side and are measured each: never more than the wall clock
            long room = Math.max(0, now - holdStart - holdCharged);
            nanos = Math.min(nanos, room);
            holdCharged += nanos;
        }
        if (nanos <= 0) return;
        t.vtime += t.weigh(nanos);
        refill(t, now);
        if (t.capped()) t.budget -= nanos;
        ShareAccount own = vgpu.account(), group = vgpu.groupAccount();
        own.consumed(now, nanos, window);
        if (group != own) group.consumed(now, nanos, window);
    }

    /** The answer to a PROBE: whether all of {@code t}'s work was done. */
    void quiet(Tenant t, boolean allDone, long now) {
        if (t != holder || phase != Phase.HOLDING) return;
        t.probedAt = now;
        if (!allDone) t.quietSince = -1;
        else if (t.quietSince < 0) t.quietSince = now;
    }

    /** The closed holder's work is done and charged: the GPU is free. */
    void drained(Tenant t, long now) {
        if (phase != Phase.CLOSING || holder != t) return;
        phase = Phase.FREE;
        holder = null;
        lastHolder = t;
        if (t.waiting == 0) t.inactiveSince = now;
    }

    // ---- decisions ---------------------------------------------------------------------------------

    /** What to do now. Only {@link #apply} changes who holds the GPU. */
    Decision decide(long now) {
        for (Tenant t : tenants) refill(t, now);
        return switch (phase) {
            case CLOSING -> Decision.waitUntil(NEVER);
            case FREE -> pick(now);
            case HOLDING -> whileHolding(now);
        };
    }

    /** Records that a GRANT or CLOSE decision is carried out. */
    void apply(Decision d, long now) {
        Tenant t = d.tenant();
        switch (d.kind()) {
            case GRANT -> {
                if (phase != Phase.FREE) throw new IllegalStateException("GRANT to " + t + " while " + holder + " is " + phase);
                if (t != lastHolder) switches++;
                grants++;
                holder = t;
                phase = Phase.HOLDING;
                holdStart = sliceStart = now;
                holdCharged = 0;
                sliceEnd = t.capped() ? now + slice : NEVER;
                t.seenAdmits = -1;
                t.quietSince = -1;
                t.probedAt = Long.MIN_VALUE / 2;
            }
            case CLOSE -> {
                if (phase != Phase.HOLDING || holder != t) throw new IllegalStateException("CLOSE of " + t + " while " + holder + " is " + phase);
                phase = Phase.CLOSING;
            }
            default -> { }
        }
    }

    private Decision pick(long now) {
        Tenant best = null;
        long wake = NEVER;
        for (Tenant t : tenants) {
            if (t.waiting == 0) continue;
            if (!eligible(t)) wake = Math.min(wake, eligibleAt(t, now));
            else if (better(t, best)) best = t;
        }
        return best == null ? Decision.waitUntil(wake) : Decision.grant(best);
    }

    private Decision whileHolding(long now) {
        Tenant h = holder;
        Tenant best = null;
        long wake = NEVER;
        for (Tenant t : tenants) {
            if (t == h || t.waiting == 0) continue;
            if (!eligible(t)) wake = Math.min(wake, eligibleAt(t, now));
            else if (better(t, best)) best = t;
        }
        if (h.capped()) {
            if (now >= sliceEnd) {
                // its budget allows another slice and nobody is further behind: carry on without a drain
                if (eligible(h) && (best == null || h.vtime < best.vtime)) {
                    sliceStart = now;
                    sliceEnd = now + slice;
                } else {
                    return Decision.close(h);
                }
            }
            wake = Math.min(wake, sliceEnd);
        }
        if (best == null) return Decision.waitUntil(wake); // alone: nothing to decide until someone comes

        long a = h.admits;
        if (a != h.seenAdmits) {
            h.seenAdmits = a;
            h.seenAdmitsAt = now;
            h.quietSince = -1;
        }
        if (now - h.seenAdmitsAt >= idleGrace) {
            // no launch for a while: if its work is done too, the GPU is better used by the one waiting
            if (h.quietSince < 0) {
                if (now - h.probedAt >= quietConfirm) return Decision.probe(h);
                wake = Math.min(wake, h.probedAt + quietConfirm);
            } else if (now - h.quietSince >= quietConfirm) {
                return Decision.close(h);
            } else {
                wake = Math.min(wake, h.quietSince + quietConfirm);
            }
        } else {
            wake = Math.min(wake, h.seenAdmitsAt + idleGrace);
        }
        if (now - sliceStart >= slice) {
            if (h.vtime < best.vtime) sliceStart = now; // still the furthest behind: another slice, no drain
            else return Decision.close(h);
        }
        return Decision.waitUntil(Math.min(wake, sliceStart + slice));
    }

    private static boolean better(Tenant a, Tenant b) {
        return b == null || a.vtime < b.vtime || a.vtime == b.vtime && a.waitingSince < b.waitingSince;
    }

    private boolean eligible(Tenant t) {
        return !t.capped() || t.budget >= slice;
    }

    private long eligibleAt(Tenant t, long now) {
        long missing = slice - t.budget;
        return now + (missing * 100 + t.ratio() - 1) / t.ratio();
    }

    private void refill(Tenant t, long now) {
        long dt = now - t.budgetAt;
        t.budgetAt = now;
        if (dt <= 0 || !t.capped()) return;
        long cap = 2 * slice;
        if (t.budget < cap) t.budget = Math.min(cap, t.budget + dt * t.ratio() / 100);
    }
}
