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
 *
 * <p>Or ({@link Plan#loseQueued}) it loses queued (ASYNC) frames as a dying connection would: they
 * seem sent but never reach the server, so they are all still in the client's replay log when the
 * connection is cut, just before the next synchronous frame; optionally the next connection is cut
 * again in the middle of sending them again.
 */
final class CuttingChannel implements Channel {

    /** Where the cut falls; one plan serves every channel of a session. */
    static final class Plan {
        private int countdown = -1;
        private boolean afterReply;
        private int cuts;
        private boolean losing;
        private int replayCountdown = -1;
        private int lost;
        private int largestLost;

        /** Cut at the {@code nth} region frame from now (1: the next one). */
        synchronized void arm(int nth, boolean afterReply) {
            this.countdown = nth;
            this.afterReply = afterReply;
        }

        /**
         * From now on queued frames are lost (they never reach the server) and the connection is cut
         * just before the next synchronous frame goes out. With {@code cutReplayAt} > 0 the next
         * connection is cut too, just before its {@code cutReplayAt}-th queued frame: in the middle of
         * the replay.
         */
        synchronized void loseQueued(int cutReplayAt) {
            this.losing = true;
            this.replayCountdown = cutReplayAt;
        }

        /** Cuts made so far. */
        synchronized int cuts() { return cuts; }

        /** Queued frames lost so far. */
        synchronized int lost() { return lost; }

        /** The largest queued frame lost, header included. */
        synchronized int largestLost() { return largestLost; }

        /** What becomes of a frame that names no region bytes: sent, lost, or cut at. */
        private synchronized Fate fate(ByteBuffer header, int frameBytes) {
            ByteBuffer h = header.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            int at = h.position();
            int flags = h.get(at + 5) & 0xff, type = h.getShort(at + 6) & 0xffff;
            if (type == MessageType.HELLO.code()) return Fate.SEND;
            boolean queued = (flags & Wire.FLAG_ASYNC) != 0;
            if (losing) {
                if (queued) {
                    lost++;
                    largestLost = Math.max(largestLost, frameBytes);
                    return Fate.LOSE;
                }
                losing = false;
                cuts++;
                return Fate.CUT;
            }
            if (queued && replayCountdown > 0 && --replayCountdown == 0) {
                cuts++;
                return Fate.CUT;
            }
            return Fate.SEND;
        }

        /** Whether this region frame is the one to cut at. */
        private synchronized boolean due() {
            if (countdown <= 0 || --countdown > 0) return false;
            cuts++;
            return true;
        }

        private synchronized boolean afterReply() { return afterReply; }
    }

    private enum Fate { SEND, LOSE, CUT }

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
        int n = 0;
        for (ByteBuffer p : parts) n += p.remaining();
        switch (plan.fate(parts[0], n)) {
            case LOSE -> { return; }
            case CUT -> throw cut("before a frame went out, queued frames lost");
            case SEND -> { }
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
