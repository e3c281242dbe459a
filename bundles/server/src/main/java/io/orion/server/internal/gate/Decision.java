package io.orion.server.internal.gate;

/**
 * What the scheduler wants done next on its GPU.
 *
 * @param kind   {@code GRANT}: let {@code tenant} launch; {@code CLOSE}: stop {@code tenant} and wait
 *               until its queued work is done (then report {@link ShareScheduler#drained}); {@code PROBE}:
 *               find out whether {@code tenant}'s work is all done (report {@link ShareScheduler#quiet});
 *               {@code WAIT}: nothing until {@code until} or until something changes
 * @param tenant the tenant concerned; null for WAIT
 * @param until  for WAIT, the clock time to decide again at ({@link ShareScheduler#NEVER}: only when something changes)
 */
record Decision(Kind kind, Tenant tenant, long until) {
    enum Kind { GRANT, CLOSE, PROBE, WAIT }

    static Decision grant(Tenant t) { return new Decision(Kind.GRANT, t, 0); }

    static Decision close(Tenant t) { return new Decision(Kind.CLOSE, t, 0); }

    static Decision probe(Tenant t) { return new Decision(Kind.PROBE, t, 0); }

    static Decision waitUntil(long until) { return new Decision(Kind.WAIT, null, until); }
}
