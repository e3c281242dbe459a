package io.orion.client.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.orion.protocol.Request;

/**
 * The asynchronous requests sent since the last reply: if the connection breaks, the server says
 * which it handled, and the rest are sent again on the new connection. Any reply acknowledges
 * everything sent before it (the server handles a session's frames in order). No request here names
 * region bytes, which would mean nothing on another connection: copies through the region are
 * synchronous calls, done again along the new connection's way when a resume interrupts them.
 *
 * <p>The new connection may carry smaller frames than the one a request was sent on (an shm ring's
 * frame is smaller than TCP's): {@link #refit} cuts such requests into pieces that fit and numbers
 * what is sent again on from the last request the server handled.
 */
final class ReplayLog {
    /** One sent request; {@code bytes} counts what it holds on to. */
    record Entry(long seq, Request request, int flags, long bytes) {}

    static final int MAX_ENTRIES = 65_536;
    static final long MAX_BYTES = 64L << 20;

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long bytes;

    void add(long seq, Request r, int flags, long held) {
        entries.addLast(new Entry(seq, r, flags, held));
        bytes += held;
    }

    /** Everything up to {@code seq} was handled. */
    void ackThrough(long seq) {
        while (!entries.isEmpty() && Seq.notAfter(entries.peekFirst().seq(), seq)) bytes -= entries.pollFirst().bytes();
    }

    /** The entries the server has not handled. */
    List<Entry> after(long lastHandled) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) if (Seq.after(e.seq(), lastHandled)) out.add(e);
        return out;
    }

    /**
     * Replaces the entries after {@code lastHandled} with {@code pieces} of each (in order; a request
     * that fits is its only piece), numbered consecutively from the one after {@code lastHandled}, and
     * returns them: what is to be sent again. Entries up to {@code lastHandled} must have been
     * acknowledged ({@link #ackThrough}). The server handled nothing after {@code lastHandled}, and
     * of what it did not handle it keeps no number, so these may take any numbers after it: each
     * still runs once, in order. As requests are numbered consecutively, one keeps its number
     * unless a request before it was cut.
     */
    List<Entry> refit(long lastHandled, Function<Request, List<Request>> pieces) {
        List<Entry> out = new ArrayList<>(entries.size());
        long s = lastHandled;
        for (Entry e : entries) {
            List<Request> ps = pieces.apply(e.request());
            for (Request p : ps) {
                s = Seq.next(s);
                out.add(new Entry(s, p, e.flags(), ps.size() == 1 ? e.bytes() : heldBy(p, e)));
            }
        }
        entries.clear();
        entries.addAll(out);
        bytes = 0;
        for (Entry e : out) bytes += e.bytes();
        return out;
    }

    /** What a piece of {@code whole} holds on to: its share of the bulk bytes, where the whole held its own. */
    private static long heldBy(Request piece, Entry whole) {
        return whole.bytes() == 0 || piece.tail() == null ? 0 : piece.tail().remaining();
    }

    /** Too much held back: the caller should flush with a round trip. */
    boolean full() {
        return entries.size() >= MAX_ENTRIES || bytes >= MAX_BYTES;
    }

    void clear() {
        entries.clear();
        bytes = 0;
    }
}
