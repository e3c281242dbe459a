package io.orion.backend.host.internal.interp;

/**
 * Reads a clock that runs while a thread runs: {@code %clock}/{@code %clock64} count nanoseconds
 * (the device reports a 1 GHz clock rate), {@code %globaltimer} is nanoseconds since the epoch.
 */
final class TimerRead extends Insn {
    static final int CLOCK = 0, CLOCK64 = 1, GLOBALTIMER = 2, GLOBALTIMER_LO = 3, GLOBALTIMER_HI = 4;

    private final int which;
    private final int d;

    TimerRead(int which, int d) {
        super(false);
        this.which = which;
        this.d = d;
    }

    @Override
    void exec(Warp w, int mask) {
        long now = switch (which) {
            case CLOCK -> System.nanoTime() & 0xffff_ffffL;
            case CLOCK64 -> System.nanoTime();
            default -> {
                java.time.Instant t = java.time.Instant.now();
                long ns = t.getEpochSecond() * 1_000_000_000L + t.getNano();
                yield which == GLOBALTIMER_LO ? ns & 0xffff_ffffL : which == GLOBALTIMER_HI ? ns >>> 32 : ns;
            }
        };
        for (int m = mask; m != 0; m &= m - 1) w.regs[d + Integer.numberOfTrailingZeros(m)] = now;
    }
}
