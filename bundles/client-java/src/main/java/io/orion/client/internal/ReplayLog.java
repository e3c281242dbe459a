package io.orion.client.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import io.orion.protocol.Request;

/**
 * The asynchronous requests sent since the last reply: if the connection breaks, the server says
 * which it handled, and the rest are sent again on the new connection. Any reply acknowledges
 * everything sent before it (the server handles a session's frames in order). No request here names
 * region bytes, which would mean nothing on another connection: copies through the region are
 * synchronous calls, done again along the new connection's way when a resume interrupts them.
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

    /** Too much held back: the caller should flush with a round trip. */
    boolean full() {
        return entries.size() >= MAX_ENTRIES || bytes >= MAX_BYTES;
    }

    void clear() {
        entries.clear();
        bytes = 0;
    }
}
