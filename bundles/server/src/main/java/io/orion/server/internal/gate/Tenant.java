package io.orion.server.internal.gate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;

/**
 * One tenant of one GPU as the gate schedules it: a group's vGPUs on that GPU, or one vGPU without
 * a group (see {@link GateTenant}). Its virtual time (GPU time consumed by all its processes
 * divided by its share, the weighted-fair order), its budget when the share is a cap, and who of
 * it waits. Scheduling fields are guarded by the GPU gate's lock; {@link #admitted} and
 * {@link #admits} are read on the launch path without it.
 */
final class Tenant {
    /** Its group, or its vGPU's id when it has none: what logs and status call it. */
    final String name;
    /** Its vGPUs with a process on this GPU now (one, when it has no group); never empty while it is scheduled. */
    final List<GateTenant> members = new ArrayList<>();
    ComputeMode mode;

    /** Consumed GPU nanoseconds × 100 / ratio: who is served least relative to its share goes first. */
    long vtime;
    /** Strict only: GPU nanoseconds it may still use; refilled at ratio % of the wall clock up to a cap. */
    long budget;
    long budgetAt;
    /** Session threads of this vGPU waiting in the gate, and since when the first of them waits. */
    int waiting;
    long waitingSince;
    /** When it last stopped being served or waiting: a tenant back from a pause starts level with the others. */
    long inactiveSince;
    /** Scheduler's view of the holder's launches, to notice it went quiet: the admit count seen and when. */
    long seenAdmits = -1;
    long seenAdmitsAt;
    /** When a probe first found all its work done (and no launch since); -1 when not quiet. */
    long quietSince = -1;
    /** When it was last probed: a busy holder is probed at most every quiet-confirm period. */
    long probedAt = Long.MIN_VALUE / 2;

    /** It may queue launches now (it holds the GPU, or the gate lets everything through). */
    volatile boolean admitted;
    /** Launch attempts, counted without a lock: the scheduler compares it over time to see the holder go quiet. */
    volatile long admits;

    final List<DeviceTrack> devices = new ArrayList<>();
    /** Its kernels once outlasted a drain: said once in the log. */
    boolean overranLogged;
    /** Where its waiting session threads sleep (a condition of the GPU gate's lock); null in the scheduler's tests. */
    final Condition turn;

    /** A tenant of {@code first} (and the other vGPUs of its group that join later). */
    Tenant(GateTenant first, GateSettings settings, Condition turn) {
        this.name = first.groupId().isEmpty() ? first.id() : first.groupId();
        this.members.add(first);
        this.mode = modeIn(settings);
        this.turn = turn;
    }

    /**
     * The member whose ratio is the tenant's: the one whose ratio was set last (on a tie, the one
     * that joined last). Read at every decision, so a resize of any member applies at once.
     */
    GateTenant lead() {
        GateTenant lead = members.getFirst();
        for (GateTenant m : members) if (m.ratioVersion() >= lead.ratioVersion()) lead = m;
        return lead;
    }

    int ratio() {
        int r = lead().ratio();
        return r < 1 ? 1 : Math.min(r, 100);
    }

    /** Its mode under {@code s}: the rule that matches its lead vGPU or its group, else the server's. */
    ComputeMode modeIn(GateSettings s) {
        GateTenant lead = lead();
        return s.modeOf(lead.id(), lead.groupId());
    }

    /** Whether its share is a cap that can bind (strict below 100 %). */
    boolean capped() {
        return mode == ComputeMode.STRICT && ratio() < 100;
    }

    /** Virtual time that {@code nanos} of GPU time costs it. */
    long weigh(long nanos) {
        return nanos * 100 / ratio();
    }

    /** "group g" or "vGPU v", for the log. */
    String describe() {
        return (members.getFirst().groupId().isEmpty() ? "vGPU " : "group ") + name;
    }

    @Override
    public String toString() {
        return name;
    }
}
