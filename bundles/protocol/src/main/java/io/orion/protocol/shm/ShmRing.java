package io.orion.protocol.shm;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.orion.protocol.ProtocolException;

/**
 * A single-producer single-consumer ring of frames in shared memory (docs/protocol.md §6.3).
 *
 * <pre>
 * +0    u64 tail              bytes ever published (producer writes)
 * +128  u64 head              bytes ever released  (consumer writes, after it has handled the frame)
 * +256  u32 consumerWaiting   1 while the consumer sleeps on the low word of tail
 * +384  u32 producerWaiting   1 while the producer sleeps on the low word of head
 * +512  data[capacity]        records: u32 length, u32 0, frame bytes, padded to 8;
 *                             length 0xFFFFFFFF pads to the end of the data area
 * </pre>
 *
 * Each side keeps its own position and only reads the other's from memory, checking it before use:
 * a peer that scribbles over the ring gets its connection closed, never a wild read.
 *
 * <p>Sleeping uses a Dekker handshake: the sleeper sets its waiting flag, reads the other side's
 * position again and sleeps only if it has not moved; the other side publishes its position, then
 * reads the flag and wakes. Both accesses are volatile, so one of the two always sees the other.
 */
public final class ShmRing {
    public static final int HEADER_BYTES = 512;
    static final long TAIL = 0, HEAD = 128, CONSUMER_WAITING = 256, PRODUCER_WAITING = 384;
    private static final int PAD = -1;
    private static final int RECORD_HEADER = 8;

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final String name;
    private final MemorySegment seg;
    private final MemorySegment data;
    private final long capacity;
    private final long mask;
    private final int maxFrame;
    private final Parker parker;

    /** This side's own position: the truth for the side that owns it. */
    private long tail;
    private long head;
    /** End of the frame {@link #poll} returned and {@link #release} has not yet released; -1 for none. */
    private long pendingEnd = -1;

    /**
     * Attaches to a ring at the start of {@code seg} ({@link #HEADER_BYTES} + capacity bytes).
     * A new ring must be {@link #format}ted first.
     */
    public ShmRing(String name, MemorySegment seg, long capacity, Parker parker) {
        if (capacity < 4096 || Long.bitCount(capacity) != 1)
            throw new IllegalArgumentException(name + ": capacity must be a power of two >= 4096, was " + capacity);
        if (seg.byteSize() < HEADER_BYTES + capacity)
            throw new IllegalArgumentException(name + ": segment of " + seg.byteSize() + " bytes is too small for capacity " + capacity);
        this.name = name;
        this.seg = seg;
        this.data = seg.asSlice(HEADER_BYTES, capacity);
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.maxFrame = maxFrame(capacity);
        this.parker = parker;
        this.tail = (long) LONG.getVolatile(seg, TAIL);
        this.head = (long) LONG.getVolatile(seg, HEAD);
    }

    /** The largest frame a ring of this capacity carries: a quarter, so that a writer never waits for long. */
    public static int maxFrame(long capacity) {
        return (int) Math.min(Integer.MAX_VALUE, capacity / 4 - RECORD_HEADER);
    }

    /** Zeroes a ring's header (positions and flags) before first use. */
    public static void format(MemorySegment seg) {
        seg.asSlice(0, HEADER_BYTES).fill((byte) 0);
    }

    public int maxFrame() { return maxFrame; }

    public long capacity() { return capacity; }

    private static long align8(long n) { return (n + 7) & ~7L; }

    private ProtocolException corrupt(String what) {
        return ProtocolException.framing(name + " ring is corrupt: " + what);
    }

    // ---- producer -------------------------------------------------------------------------------

    /**
     * Appends one frame made of {@code parts}; waits (as {@code wait} says) while the ring is full.
     *
     * @throws IOException when the peer is gone while waiting
     * @throws ProtocolException (fatal) when the consumer's position in memory is impossible
     */
    public void write(WaitPolicy wait, Liveness alive, ByteBuffer... parts) throws IOException {
        long len = 0;
        for (ByteBuffer p : parts) len += p.remaining();
        if (len > maxFrame) throw new IllegalArgumentException(name + ": frame of " + len + " bytes exceeds the ring's " + maxFrame);
        long need = align8(RECORD_HEADER + len);
        long off = tail & mask;
        long toEnd = capacity - off;
        long required = need <= toEnd ? need : toEnd + need;
        awaitSpace(required, wait, alive);
        if (need > toEnd) {
            data.set(ValueLayout.JAVA_INT, off, PAD);
            tail += toEnd;
            off = 0;
        }
        data.set(ValueLayout.JAVA_INT, off, (int) len);
        data.set(ValueLayout.JAVA_INT, off + 4, 0);
        long at = off + RECORD_HEADER;
        for (ByteBuffer p : parts) {
            int n = p.remaining();
            MemorySegment.copy(MemorySegment.ofBuffer(p), 0, data, at, n);
            at += n;
        }
        tail += need;
        LONG.setVolatile(seg, TAIL, tail);
        if ((int) INT.getVolatile(seg, CONSUMER_WAITING) != 0) parker.wake(seg.asSlice(TAIL, 4));
    }

    private long freeSpace() {
        long h = (long) LONG.getVolatile(seg, HEAD);
        if (h > tail || tail - h > capacity || (h & 7) != 0 || h < head)
            throw corrupt("head " + h + " with tail " + tail + " and capacity " + capacity);
        head = h;
        return capacity - (tail - h);
    }

    private void awaitSpace(long required, WaitPolicy wait, Liveness alive) throws IOException {
        if (freeSpace() >= required) return;
        long start = System.nanoTime(), lastCheck = start;
        while (wait.busyPoll() || System.nanoTime() - start < wait.spinNanos()) {
            if (freeSpace() >= required) return;
            Thread.onSpinWait();
            long now = System.nanoTime();
            if (now - lastCheck > 10_000_000) { alive.check(); lastCheck = now; }
        }
        MemorySegment word = seg.asSlice(HEAD, 4);
        try {
            while (true) {
                INT.setVolatile(seg, PRODUCER_WAITING, 1);
                if (freeSpace() >= required) return;
                parker.await(word, (int) head, wait.parkNanos());
                if (freeSpace() >= required) return;
                alive.check();
            }
        } finally {
            INT.setVolatile(seg, PRODUCER_WAITING, 0);
        }
    }

    // ---- consumer -------------------------------------------------------------------------------

    /**
     * The next frame, as a view into the ring (valid until {@link #release}), or null when there is
     * none. Call {@link #release} when done with it, before the next poll.
     *
     * @throws ProtocolException (fatal) when the producer's position or a record length is impossible
     */
    public ByteBuffer poll() {
        if (pendingEnd >= 0) throw new IllegalStateException(name + ": release the previous frame first");
        while (true) {
            long t = (long) LONG.getVolatile(seg, TAIL);
            long avail = t - head;
            if (avail == 0) return null;
            if (avail < 0 || avail > capacity || (t & 7) != 0) throw corrupt("tail " + t + " with head " + head);
            long off = head & mask;
            int len = data.get(ValueLayout.JAVA_INT, off);
            if (len == PAD) {
                long skip = capacity - off;
                if (skip > avail) throw corrupt("padding of " + skip + " bytes but only " + avail + " published");
                head += skip;
                LONG.setVolatile(seg, HEAD, head);
                continue;
            }
            long need = align8(RECORD_HEADER + (long) len);
            if (len < 0 || len > maxFrame || need > avail || off + need > capacity)
                throw corrupt("record length " + len + " at offset " + off + " (" + avail + " bytes published)");
            pendingEnd = head + need;
            return data.asSlice(off + RECORD_HEADER, len).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** Gives the space of the frame {@link #poll} returned back to the producer. */
    public void release() {
        if (pendingEnd < 0) throw new IllegalStateException(name + ": no frame to release");
        head = pendingEnd;
        pendingEnd = -1;
        LONG.setVolatile(seg, HEAD, head);
        if ((int) INT.getVolatile(seg, PRODUCER_WAITING) != 0) parker.wake(seg.asSlice(HEAD, 4));
    }

    /**
     * Waits for the next frame as {@code wait} says.
     *
     * @throws IOException when the peer is gone
     */
    public ByteBuffer take(WaitPolicy wait, Liveness alive) throws IOException {
        ByteBuffer f = poll();
        if (f != null) return f;
        long start = System.nanoTime(), lastCheck = start;
        while (wait.busyPoll() || System.nanoTime() - start < wait.spinNanos()) {
            f = poll();
            if (f != null) return f;
            Thread.onSpinWait();
            long now = System.nanoTime();
            if (now - lastCheck > 10_000_000) { alive.check(); lastCheck = now; }
        }
        MemorySegment word = seg.asSlice(TAIL, 4);
        try {
            while (true) {
                INT.setVolatile(seg, CONSUMER_WAITING, 1);
                f = poll();
                if (f != null) return f;
                parker.await(word, (int) head, wait.parkNanos());
                f = poll();
                if (f != null) return f;
                alive.check();
            }
        } finally {
            INT.setVolatile(seg, CONSUMER_WAITING, 0);
        }
    }

    /** Wakes whoever sleeps on this ring (used when a side closes, so that the other notices at once). */
    public void wakeAll() {
        parker.wake(seg.asSlice(TAIL, 4));
        parker.wake(seg.asSlice(HEAD, 4));
    }
}
