package io.orion.client.internal;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.orion.protocol.MessageType;
import io.orion.protocol.Wire;

/**
 * A real channel that breaks on purpose at a chosen frame naming bytes of the region
 * (COPY_HTOD_REGION, COPY_DTOH_REGION, INDIRECT), so that a test knows the connection broke in the
 * middle of a region copy and not somewhere near it. The cut closes the real connection, as a
 * dying one would: either just before that frame goes out (the server never sees it) or once its
 * reply has come (the server did it, the client never learns).
 */
final class CuttingChannel implements Channel {

    /** Where the cut falls; one plan serves every channel of a session. */
    static final class Plan {
        private int countdown = -1;
        private boolean afterReply;
        private int cuts;

        /** Cut at the {@code nth} region frame from now (1: the next one). */
        synchronized void arm(int nth, boolean afterReply) {
            this.countdown = nth;
            this.afterReply = afterReply;
        }

        /** Cuts made so far. */
        synchronized int cuts() { return cuts; }

        /** Whether this region frame is the one to cut at. */
        private synchronized boolean due() {
            if (countdown <= 0 || --countdown > 0) return false;
            cuts++;
            return true;
        }

        private synchronized boolean afterReply() { return afterReply; }
    }

    private final Channel real;
    private final Plan plan;
    private boolean cutAtReply;

    CuttingChannel(Channel real, Plan plan) {
        this.real = real;
        this.plan = plan;
    }

    private static boolean namesRegion(ByteBuffer header) {
        ByteBuffer h = header.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int at = h.position();
        int flags = h.get(at + 5) & 0xff, type = h.getShort(at + 6) & 0xffff;
        return (flags & Wire.FLAG_INDIRECT) != 0 || type == MessageType.COPY_HTOD_REGION.code()
                || type == MessageType.COPY_DTOH_REGION.code();
    }

    private EOFException cut(String when) {
        real.close();
        return new EOFException("the test cut the connection " + when);
    }

    @Override public String name() { return real.name(); }

    @Override public void send(ByteBuffer... parts) throws IOException {
        if (namesRegion(parts[0]) && plan.due()) {
            if (!plan.afterReply()) throw cut("before a region frame went out");
            cutAtReply = true;
        }
        real.send(parts);
    }

    @Override public ByteBuffer receive(long deadlineNanos) throws IOException {
        ByteBuffer f = real.receive(deadlineNanos);
        if (cutAtReply) throw cut("once the reply to a region frame had come, losing it");
        return f;
    }

    @Override public int maxFrame() { return real.maxFrame(); }

    @Override public MemorySegment region() { return real.region(); }

    @Override public RegionAllocator allocator() { return real.allocator(); }

    @Override public void close() { real.close(); }
}
