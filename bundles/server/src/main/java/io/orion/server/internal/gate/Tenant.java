package io.orion.server.internal.gate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;

/**
 * One vGPU on one GPU as the gate schedules it: its virtual time (GPU time consumed divided by its
 * share, the weighted-fair order), its budget when the share is a cap, and who of it waits.
 * Scheduling fields are guarded by the GPU gate's lock; {@link #admitted} and {@link #admits} are
 * read on the launch path without it.
 */
final class Tenant {
    final GateTenant vgpu;
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

    Tenant(GateTenant vgpu, ComputeMode mode, Condition turn) {
        this.vgpu = vgpu;
        this.mode = mode;
        this.turn = turn;
    }

    int ratio() {
        int r = vgpu.ratio();
        return r < 1 ? 1 : Math.min(r, 100);
    }

    /** Whether its share is a cap that can bind (strict below 100 %). */
    boolean capped() {
        return mode == ComputeMode.STRICT && ratio() < 100;
    }

    /** Virtual time that {@code nanos} of GPU time costs it. */
    long weigh(long nanos) {
        return nanos * 100 / ratio();
    }

    @Override
    public String toString() {
        return vgpu.id();
    }
}
