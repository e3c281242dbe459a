package io.orion.protocol.shm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Where everything lives in a connection's shared-memory file (docs/protocol.md §6.2):
 *
 * <pre>
 * 0                  control block (4096 bytes, below)
 * requestRingOffset  request ring: 512-byte header + requestRingCapacity bytes   (client produces)
 * replyRingOffset    reply ring:   512-byte header + replyRingCapacity bytes     (server produces)
 * regionOffset       payload region, regionSize bytes, 2 MiB aligned
 *
 * control block:
 *  0 u64 magic "ORVGSHM1"      40 u64 replyRingCapacity     72 u32 serverClosed
 *  8 u32 layout version (1)    48 u64 regionOffset          76 u32 clientClosed
 * 12 u32 control block size    56 u64 regionSize
 * 16 u64 requestRingOffset     64 u32 server pid
 * 24 u64 requestRingCapacity   68 u32 client pid
 * 32 u64 replyRingOffset
 * </pre>
 *
 * @param requestRingCapacity  data bytes of the request ring (power of two)
 * @param replyRingCapacity    data bytes of the reply ring (power of two)
 * @param regionSize           bytes of the payload region
 */
public record ShmLayout(long requestRingCapacity, long replyRingCapacity, long regionSize) {

    /** "ORVGSHM1" as bytes, read as a little-endian long. */
    public static final long MAGIC = bytesLe("ORVGSHM1");
    public static final int VERSION = 1;
    public static final int CONTROL_BYTES = 4096;
    public static final long REGION_ALIGN = 2L << 20;

    static final long OFF_MAGIC = 0, OFF_VERSION = 8, OFF_CONTROL_SIZE = 12, OFF_REQ_OFFSET = 16, OFF_REQ_CAP = 24,
            OFF_REP_OFFSET = 32, OFF_REP_CAP = 40, OFF_REGION_OFFSET = 48, OFF_REGION_SIZE = 56, OFF_SERVER_PID = 64,
            OFF_CLIENT_PID = 68, OFF_SERVER_CLOSED = 72, OFF_CLIENT_CLOSED = 76;

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private static long bytesLe(String s) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | (s.charAt(i) & 0xff);
        return v;
    }

    public ShmLayout {
        checkRing("requestRingCapacity", requestRingCapacity);
        checkRing("replyRingCapacity", replyRingCapacity);
        if (regionSize < 0 || regionSize % 4096 != 0)
            throw new IllegalArgumentException("regionSize must be a non-negative multiple of 4096, was " + regionSize);
    }

    private static void checkRing(String field, long cap) {
        if (cap < 4096 || cap > (1L << 30) || Long.bitCount(cap) != 1)
            throw new IllegalArgumentException(field + " must be a power of two in [4096, 1 GiB], was " + cap);
    }

    private static long align(long v, long a) { return (v + a - 1) / a * a; }

    public long requestRingOffset() { return CONTROL_BYTES; }

    public long replyRingOffset() { return align(requestRingOffset() + ShmRing.HEADER_BYTES + requestRingCapacity, 4096); }

    public long regionOffset() { return align(replyRingOffset() + ShmRing.HEADER_BYTES + replyRingCapacity, REGION_ALIGN); }

    public long fileSize() { return regionOffset() + regionSize; }

    /** Writes the control block and formats both rings of a fresh file (server side). */
    public void initialize(MemorySegment file, long serverPid) {
        file.asSlice(0, CONTROL_BYTES).fill((byte) 0);
        file.set(ValueLayout.JAVA_LONG, OFF_MAGIC, MAGIC);
        file.set(ValueLayout.JAVA_INT, OFF_VERSION, VERSION);
        file.set(ValueLayout.JAVA_INT, OFF_CONTROL_SIZE, CONTROL_BYTES);
        file.set(ValueLayout.JAVA_LONG, OFF_REQ_OFFSET, requestRingOffset());
        file.set(ValueLayout.JAVA_LONG, OFF_REQ_CAP, requestRingCapacity);
        file.set(ValueLayout.JAVA_LONG, OFF_REP_OFFSET, replyRingOffset());
        file.set(ValueLayout.JAVA_LONG, OFF_REP_CAP, replyRingCapacity);
        file.set(ValueLayout.JAVA_LONG, OFF_REGION_OFFSET, regionOffset());
        file.set(ValueLayout.JAVA_LONG, OFF_REGION_SIZE, regionSize);
        file.set(ValueLayout.JAVA_INT, OFF_SERVER_PID, (int) serverPid);
        ShmRing.format(requestRing(file));
        ShmRing.format(replyRing(file));
    }

    /**
     * Reads and checks the control block of a mapped file (client side): every offset must be the one
     * this layout computes and the file must be large enough.
     */
    public static ShmLayout read(MemorySegment file) {
        if (file.byteSize() < CONTROL_BYTES) throw new IllegalArgumentException("shared file of " + file.byteSize() + " bytes has no control block");
        long magic = file.get(ValueLayout.JAVA_LONG, OFF_MAGIC);
        if (magic != MAGIC) throw new IllegalArgumentException(String.format("bad shared-file magic 0x%016x", magic));
        int version = file.get(ValueLayout.JAVA_INT, OFF_VERSION);
        if (version != VERSION) throw new IllegalArgumentException("shared-file layout version " + version + ", this side speaks " + VERSION);
        if (file.get(ValueLayout.JAVA_INT, OFF_CONTROL_SIZE) != CONTROL_BYTES) throw new IllegalArgumentException("bad control block size");
        ShmLayout l = new ShmLayout(file.get(ValueLayout.JAVA_LONG, OFF_REQ_CAP), file.get(ValueLayout.JAVA_LONG, OFF_REP_CAP),
                file.get(ValueLayout.JAVA_LONG, OFF_REGION_SIZE));
        if (file.get(ValueLayout.JAVA_LONG, OFF_REQ_OFFSET) != l.requestRingOffset()
                || file.get(ValueLayout.JAVA_LONG, OFF_REP_OFFSET) != l.replyRingOffset()
                || file.get(ValueLayout.JAVA_LONG, OFF_REGION_OFFSET) != l.regionOffset())
            throw new IllegalArgumentException("shared-file offsets do not follow layout version " + VERSION);
        if (file.byteSize() < l.fileSize())
            throw new IllegalArgumentException("shared file of " + file.byteSize() + " bytes is smaller than its layout's " + l.fileSize());
        return l;
    }

    public MemorySegment requestRing(MemorySegment file) {
        return file.asSlice(requestRingOffset(), ShmRing.HEADER_BYTES + requestRingCapacity);
    }

    public MemorySegment replyRing(MemorySegment file) {
        return file.asSlice(replyRingOffset(), ShmRing.HEADER_BYTES + replyRingCapacity);
    }

    public MemorySegment region(MemorySegment file) {
        return file.asSlice(regionOffset(), regionSize);
    }

    public static void setClientPid(MemorySegment file, long pid) {
        file.set(ValueLayout.JAVA_INT, OFF_CLIENT_PID, (int) pid);
    }

    /** Marks this side closed; the other side's waits see it at their next liveness check. */
    public static void markClosed(MemorySegment file, boolean server) {
        INT.setVolatile(file, server ? OFF_SERVER_CLOSED : OFF_CLIENT_CLOSED, 1);
    }

    public static boolean isClosed(MemorySegment file, boolean server) {
        return (int) INT.getVolatile(file, server ? OFF_SERVER_CLOSED : OFF_CLIENT_CLOSED) != 0;
    }
}
