package io.orion.protocol;

/** Results shared by several requests. */
public final class Results {
    private Results() {}

    /** No fields: the call succeeded. */
    public record Empty() implements Result {
        public static final Empty INSTANCE = new Empty();

        public static Empty read(PayloadReader r) { r.end(); return INSTANCE; }

        @Override public void write(PayloadWriter w) {}
    }

    /** A handle the server made (module, function, stream, event): u64, never 0. */
    public record Handle(long handle) implements Result {
        public static Handle read(PayloadReader r) {
            long h = r.u64("handle");
            if (h == 0) throw r.bad("handle", "0 is not a valid handle");
            r.end();
            return new Handle(h);
        }

        @Override public void write(PayloadWriter w) { w.u64(handle); }
    }

    /** A device address. */
    public record Pointer(long address) implements Result {
        public static Pointer read(PayloadReader r) {
            Pointer p = new Pointer(r.u64("address"));
            r.end();
            return p;
        }

        @Override public void write(PayloadWriter w) { w.u64(address); }
    }

    /** A count (occupancy: blocks per multiprocessor). */
    public record Count(int value) implements Result {
        public static Count read(PayloadReader r) {
            Count c = new Count(r.i32("value"));
            r.end();
            return c;
        }

        @Override public void write(PayloadWriter w) { w.i32(value); }
    }
}
