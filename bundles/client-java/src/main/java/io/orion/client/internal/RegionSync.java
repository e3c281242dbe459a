package io.orion.client.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import io.orion.protocol.MessageType;
import io.orion.protocol.Wire;

/**
 * Keeps a client's copy of the payload region and the server's, over a transport that moves
 * bytes by one-sided RDMA, as one (docs/rdma.md §4). The program and this client write and read
 * the local copy; the server's device reads and writes the remote one:
 * <ul>
 *   <li>before a frame that makes the server read region bytes (COPY_HTOD_REGION, any INDIRECT
 *       frame) goes out, those bytes are put into the server's region;</li>
 *   <li>a COPY_DTOH_REGION makes the server write region bytes at some point; they are got back
 *       once a reply proves the device wrote them: the reply to the copy itself when it was
 *       synchronous on stream 0, else the reply to a DEVICE_SYNC, a STREAM_SYNC or successful
 *       STREAM_QUERY of its stream (stream 0: every stream, as the protocol says), or an
 *       EVENT_SYNC or successful EVENT_QUERY of an event recorded on its stream after it.</li>
 * </ul>
 * Bytes are never got before such a proof, and never again after it: a program may write its
 * buffer as soon as its synchronization returned. Used by one thread at a time (the session's).
 */
final class RegionSync {
    /** A byte range of the region. */
    record Range(long offset, long length) {}

    private record Pending(long seq, int device, long stream, Range range) {}

    private record Record(long seq, long stream) {}

    /** What a synchronizing request covers, kept until its reply. */
    private record Sync(int type, int device, long stream, long event) {}

    private final List<Pending> pending = new ArrayList<>();
    private final Map<Long, Sync> syncs = new HashMap<>();
    /** The latest EVENT_RECORD of each (device, event). */
    private final Map<Long, Map<Long, Record>> records = new HashMap<>();

    /** Bytes to put before {@code frame} (a request made of {@code parts}) is sent; notes what its reply will prove. */
    List<Range> beforeSend(ByteBuffer... parts) {
        ByteBuffer f = head(parts);
        if (f.remaining() < Wire.HEADER_SIZE) return List.of();
        int flags = f.get(5) & 0xff, type = f.getShort(6) & 0xffff;
        long seq = Integer.toUnsignedLong(f.getInt(8));
        int p = Wire.HEADER_SIZE;
        if ((flags & Wire.FLAG_INDIRECT) != 0) return f.remaining() >= p + 16 ? List.of(new Range(f.getLong(p), f.getLong(p + 8))) : List.of();
        if (f.remaining() < p + 2) return List.of();
        int device = f.getShort(p) & 0xffff;
        boolean async = (flags & Wire.FLAG_ASYNC) != 0;
        if (type == MessageType.COPY_HTOD_REGION.code() && f.remaining() >= p + 34) {
            return List.of(new Range(f.getLong(p + 10), f.getLong(p + 18)));
        } else if (type == MessageType.COPY_DTOH_REGION.code() && f.remaining() >= p + 34) {
            long stream = f.getLong(p + 26);
            pending.add(new Pending(seq, device, stream, new Range(f.getLong(p + 10), f.getLong(p + 18))));
            if (!async) syncs.put(seq, new Sync(type, device, stream, 0));
        } else if (type == MessageType.DEVICE_SYNC.code()) {
            syncs.put(seq, new Sync(type, device, 0, 0));
        } else if ((type == MessageType.STREAM_SYNC.code() || type == MessageType.STREAM_QUERY.code()) && f.remaining() >= p + 10) {
            syncs.put(seq, new Sync(type, device, f.getLong(p + 2), 0));
        } else if ((type == MessageType.EVENT_SYNC.code() || type == MessageType.EVENT_QUERY.code()) && f.remaining() >= p + 10) {
            syncs.put(seq, new Sync(type, device, 0, f.getLong(p + 2)));
        } else if (type == MessageType.EVENT_RECORD.code() && f.remaining() >= p + 18) {
            records.computeIfAbsent((long) device, d -> new HashMap<>()).put(f.getLong(p + 2), new Record(seq, f.getLong(p + 10)));
        }
        return List.of();
    }

    /** Bytes to get after {@code frame} (a reply) arrived, before it is handed on. */
    List<Range> afterReceive(ByteBuffer frame) {
        ByteBuffer f = frame.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int at = f.position();
        if (f.remaining() < Wire.HEADER_SIZE + 4) return List.of();
        int flags = f.get(at + 5) & 0xff;
        if ((flags & Wire.FLAG_REPLY) == 0 || (flags & Wire.FLAG_MORE) != 0) return List.of();
        long seq = Integer.toUnsignedLong(f.getInt(at + 8));
        Sync s = syncs.remove(seq);
        if (s == null || f.getInt(at + Wire.HEADER_SIZE) != 0) return List.of();
        List<Range> out = new ArrayList<>();
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            Pending d = it.next();
            if (covers(s, seq, d)) {
                out.add(d.range());
                it.remove();
            }
        }
        return out;
    }

    private boolean covers(Sync s, long seq, Pending d) {
        if (d.device() != s.device()) return false;
        // the server copies a synchronous COPY_DTOH_REGION on stream 0 before it replies; on a stream it only queues it
        if (s.type() == MessageType.COPY_DTOH_REGION.code()) return d.seq() == seq && d.stream() == 0;
        if (!before(d.seq(), seq)) return false;
        if (s.type() == MessageType.DEVICE_SYNC.code()) return true;
        if (s.type() == MessageType.STREAM_SYNC.code() || s.type() == MessageType.STREAM_QUERY.code())
            return s.stream() == 0 || s.stream() == d.stream();
        if (s.type() == MessageType.EVENT_SYNC.code() || s.type() == MessageType.EVENT_QUERY.code()) {
            Record r = records.getOrDefault((long) d.device(), Map.of()).get(s.event());
            return r != null && r.stream() == d.stream() && before(d.seq(), r.seq()) && before(r.seq(), seq);
        }
        return false;
    }

    /** Serial-number order of sequence numbers (protocol.md §2.2). */
    private static boolean before(long a, long b) {
        return (int) (b - a) > 0;
    }

    /** Copies still waiting for a proof (tests, logs). */
    int pendingCount() { return pending.size(); }

    /** The first bytes of a frame given in parts, enough for the header and the fields read here. */
    private static ByteBuffer head(ByteBuffer... parts) {
        ByteBuffer h = ByteBuffer.allocate(Wire.HEADER_SIZE + 40).order(ByteOrder.LITTLE_ENDIAN);
        for (ByteBuffer p : parts) {
            ByteBuffer d = p.duplicate();
            if (d.remaining() > h.remaining()) d.limit(d.position() + h.remaining());
            h.put(d);
            if (!h.hasRemaining()) break;
        }
        return h.flip();
    }
}
