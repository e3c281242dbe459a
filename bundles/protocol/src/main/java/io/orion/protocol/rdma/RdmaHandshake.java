package io.orion.protocol.rdma;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.orion.protocol.ProtocolException;
import io.orion.protocol.Wire;

/**
 * The rdma transport's rendezvous messages (docs/protocol.md §6b). Everything little-endian. A
 * decoder checks every length before it reads what the length covers: addresses and keys come
 * from an untrusted peer.
 */
public final class RdmaHandshake {
    private RdmaHandshake() {}

    /** Bytes "ORVGRDM1" as a little-endian u64. */
    public static final long MAGIC = bytesLe("ORVGRDM1");
    public static final int VERSION = 1;
    /** The UCX tag every frame is sent with; both ends have one endpoint per worker, so one tag does. */
    public static final long FRAME_TAG = 0x4f52564746524d31L;
    /** Request flag: the client can move bulk data by one-sided RDMA and wants a payload region. */
    public static final int WANT_RMA = 0x01;
    /** Response flag: a payload region (address, size, key) follows; copies go through it. */
    public static final int RMA = 0x01;
    /**
     * Response flag: the server's node has an RDMA device (InfiniBand or RoCE). Without it UCX
     * can only use its other transports between the two; a client that chose rdma for its RDMA
     * device may prefer plain TCP then.
     */
    public static final int DEVICE = 0x02;
    /**
     * Response status: the server's UCX cannot reach the client's worker address (no transport in
     * common, an unreachable device); the text says what UCX said. CUDA_ERROR_UNKNOWN's code, as
     * every status is a CUDA one; a client takes it as a broken rdma path and falls back.
     */
    public static final int UNREACHABLE = 999;
    /** Longest UCX worker address or packed remote key accepted (real ones are well below 2 KiB). */
    public static final int MAX_BLOB = 64 * 1024;
    static final int REQUEST_FIXED = 28;
    static final int RESPONSE_FIXED = 14;

    static long bytesLe(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /**
     * @param pid            the client's process id
     * @param regionMiB      payload region size wanted, MiB; 0 for the server's default
     * @param flags          {@link #WANT_RMA} or 0
     * @param workerAddress  the client's UCX worker address
     */
    public record Request(long pid, int regionMiB, int flags, byte[] workerAddress) {
        public Request {
            checkBlob("worker address", workerAddress, false);
            if (regionMiB < 0) throw new IllegalArgumentException("regionMiB must be >= 0, was " + regionMiB);
        }

        public boolean wantsRma() { return (flags & WANT_RMA) != 0; }

        public ByteBuffer encode() {
            ByteBuffer b = ByteBuffer.allocate(REQUEST_FIXED + workerAddress.length).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(MAGIC).putInt(VERSION).putInt((int) pid).putInt(regionMiB).putInt(flags).putInt(workerAddress.length)
                    .put(workerAddress);
            return b.flip();
        }

        public static Request read(ReadableByteChannel ch) throws IOException {
            ByteBuffer h = readFully(ch, REQUEST_FIXED);
            long magic = h.getLong();
            if (magic != MAGIC) throw ProtocolException.framing(String.format("rdma handshake: bad magic 0x%016x", magic));
            int version = h.getInt();
            if (version != VERSION) throw ProtocolException.framing("rdma handshake: version " + version + ", the server speaks " + VERSION);
            long pid = Integer.toUnsignedLong(h.getInt());
            int region = h.getInt();
            if (region < 0) throw ProtocolException.framing("rdma handshake: region of " + Integer.toUnsignedString(region) + " MiB");
            int flags = h.getInt();
            if ((flags & ~WANT_RMA) != 0) throw ProtocolException.framing("rdma handshake: unknown request flags 0x" + Integer.toHexString(flags));
            int n = blobLength(h.getInt(), "worker address", false);
            byte[] address = new byte[n];
            readFully(ch, n).get(address);
            return new Request(pid, region, flags, address);
        }
    }

    /**
     * @param status         0, or the CUDA error why the server refuses (2: region too large, {@link #UNREACHABLE})
     * @param text           the reason when refused; empty otherwise
     * @param flags          {@link #RMA} when a payload region follows, {@link #DEVICE} when the server has an RDMA device
     * @param maxFrame       the largest frame (header included) the server accepts and sends
     * @param regionAddress  the region's address in the server's memory (for RMA)
     * @param regionSize     its size in bytes; 0 without RMA
     * @param remoteKey      the region's packed UCX remote key; empty without RMA
     * @param workerAddress  the server's UCX worker address for this connection
     */
    public record Response(int status, String text, int flags, int maxFrame, long regionAddress, long regionSize,
                           byte[] remoteKey, byte[] workerAddress) {
        public Response {
            text = text == null ? "" : text;
            if (status == 0) {
                checkBlob("worker address", workerAddress, false);
                checkBlob("remote key", remoteKey, (flags & RMA) == 0);
                if ((flags & RMA) != 0 && (regionSize <= 0 || regionAddress == 0))
                    throw new IllegalArgumentException("an RMA response needs a region, was " + regionSize + " bytes at 0x" + Long.toHexString(regionAddress));
            }
        }

        public static Response ok(int flags, int maxFrame, long regionAddress, long regionSize, byte[] remoteKey, byte[] workerAddress) {
            return new Response(0, "", flags, maxFrame, regionAddress, regionSize, remoteKey, workerAddress);
        }

        public static Response error(int status, String message) {
            if (status == 0) throw new IllegalArgumentException("an error response needs a non-zero status");
            return new Response(status, message, 0, 0, 0, 0, new byte[0], new byte[0]);
        }

        public boolean rma() { return (flags & RMA) != 0; }

        public boolean serverHasDevice() { return (flags & DEVICE) != 0; }

        public ByteBuffer encode() {
            byte[] t = text.getBytes(StandardCharsets.UTF_8);
            if (t.length > Wire.MAX_STRING) t = Arrays.copyOf(t, Wire.MAX_STRING);
            int tail = status == 0 ? 32 + remoteKey.length + workerAddress.length : 0;
            ByteBuffer b = ByteBuffer.allocate(RESPONSE_FIXED + t.length + tail).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(MAGIC).putInt(status).putShort((short) t.length).put(t);
            if (status == 0) {
                b.putInt(flags).putInt(maxFrame).putLong(regionAddress).putLong(regionSize)
                        .putInt(remoteKey.length).put(remoteKey).putInt(workerAddress.length).put(workerAddress);
            }
            return b.flip();
        }

        public static Response read(ReadableByteChannel ch) throws IOException {
            ByteBuffer h = readFully(ch, RESPONSE_FIXED);
            if (h.getLong() != MAGIC) throw ProtocolException.framing("rdma handshake response: bad magic");
            int status = h.getInt();
            int n = h.getShort() & 0xffff;
            if (n > Wire.MAX_STRING) throw ProtocolException.framing("rdma handshake response: text of " + n + " bytes");
            byte[] t = new byte[n];
            readFully(ch, n).get(t);
            String text = new String(t, StandardCharsets.UTF_8);
            if (status != 0) return error(status, text);
            ByteBuffer f = readFully(ch, 28);
            int flags = f.getInt();
            if ((flags & ~(RMA | DEVICE)) != 0) throw ProtocolException.framing("rdma handshake response: unknown flags 0x" + Integer.toHexString(flags));
            int maxFrame = f.getInt();
            if (maxFrame < Wire.HEADER_SIZE + Wire.HELLO_MAX_PAYLOAD)
                throw ProtocolException.framing("rdma handshake response: frame limit of " + Integer.toUnsignedString(maxFrame) + " bytes");
            long regionAddress = f.getLong(), regionSize = f.getLong();
            boolean rma = (flags & RMA) != 0;
            if (rma && (regionSize <= 0 || regionAddress == 0))
                throw ProtocolException.framing("rdma handshake response: region of " + Long.toUnsignedString(regionSize) + " bytes at 0x" + Long.toHexString(regionAddress));
            byte[] key = new byte[blobLength(f.getInt(), "remote key", !rma)];
            readFully(ch, key.length).get(key);
            byte[] address = new byte[blobLength(readFully(ch, 4).getInt(), "worker address", false)];
            readFully(ch, address.length).get(address);
            return new Response(0, text, flags, maxFrame, rma ? regionAddress : 0, rma ? regionSize : 0, key, address);
        }
    }

    private static void checkBlob(String what, byte[] b, boolean mayBeEmpty) {
        if (b == null || (!mayBeEmpty && b.length == 0) || b.length > MAX_BLOB)
            throw new IllegalArgumentException(what + " must be 1.." + MAX_BLOB + " bytes, was " + (b == null ? "null" : b.length));
    }

    private static int blobLength(int n, String what, boolean mayBeEmpty) {
        if (n < (mayBeEmpty ? 0 : 1) || n > MAX_BLOB)
            throw ProtocolException.framing("rdma handshake: " + what + " of " + Integer.toUnsignedString(n) + " bytes");
        return n;
    }

    public static void writeFully(WritableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    /** Reads exactly {@code n} bytes from a blocking channel, little-endian. */
    public static ByteBuffer readFully(ReadableByteChannel ch, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) throw new EOFException("rdma handshake: peer closed after " + b.position() + " of " + n + " bytes");
        }
        return b.flip();
    }
}
