package io.orion.protocol.shm;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

import io.orion.protocol.ProtocolException;
import io.orion.protocol.Wire;

/**
 * The rendezvous on the server's Unix domain socket (docs/protocol.md §6.1): the client asks for a
 * shared file, the server creates it and names it, the client maps it and acknowledges, the server
 * unlinks it. The socket then stays open: its end tells either side that the other is gone.
 */
public final class ShmHandshake {
    private ShmHandshake() {}

    public static final int REQUEST_BYTES = 24;
    /** The client's acknowledgement: the file is mapped, the server may unlink it. */
    public static final byte MAPPED = 0x01;

    /**
     * @param pid        the client's process id
     * @param regionMiB  payload region size wanted, MiB; 0 for the server's default
     */
    public record Request(long pid, int regionMiB) {
        public ByteBuffer encode() {
            ByteBuffer b = ByteBuffer.allocate(REQUEST_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(ShmLayout.MAGIC).putInt(ShmLayout.VERSION).putInt((int) pid).putInt(regionMiB).putInt(0);
            return b.flip();
        }

        public static Request decode(ByteBuffer b) {
            b = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            if (b.remaining() != REQUEST_BYTES) throw ProtocolException.framing("shm handshake request of " + b.remaining() + " bytes, expected " + REQUEST_BYTES);
            long magic = b.getLong();
            if (magic != ShmLayout.MAGIC) throw ProtocolException.framing(String.format("shm handshake: bad magic 0x%016x", magic));
            int version = b.getInt();
            if (version != ShmLayout.VERSION) throw ProtocolException.framing("shm handshake: layout version " + version + ", the server speaks " + ShmLayout.VERSION);
            long pid = Integer.toUnsignedLong(b.getInt());
            int region = b.getInt();
            if (region < 0) throw ProtocolException.framing("shm handshake: region of " + Integer.toUnsignedString(region) + " MiB");
            if (b.getInt() != 0) throw ProtocolException.framing("shm handshake: reserved field is not 0");
            return new Request(pid, region);
        }

        public static Request read(ReadableByteChannel ch) throws IOException {
            return decode(readFully(ch, REQUEST_BYTES));
        }
    }

    /**
     * @param status    0, or the CUDA error why there is no file (2: out of memory)
     * @param text      the file's absolute path, or the error message
     * @param fileSize  the file's size; 0 on error
     */
    public record Response(int status, String text, long fileSize) {
        public static Response ok(String path, long size) { return new Response(0, path, size); }

        public static Response error(int status, String message) { return new Response(status, message, 0); }

        public ByteBuffer encode() {
            byte[] t = text.getBytes(StandardCharsets.UTF_8);
            if (t.length > Wire.MAX_STRING) t = java.util.Arrays.copyOf(t, Wire.MAX_STRING);
            ByteBuffer b = ByteBuffer.allocate(14 + t.length + (status == 0 ? 8 : 0)).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(ShmLayout.MAGIC).putInt(status).putShort((short) t.length).put(t);
            if (status == 0) b.putLong(fileSize);
            return b.flip();
        }

        public static Response read(ReadableByteChannel ch) throws IOException {
            ByteBuffer h = readFully(ch, 14).order(ByteOrder.LITTLE_ENDIAN);
            if (h.getLong() != ShmLayout.MAGIC) throw ProtocolException.framing("shm handshake response: bad magic");
            int status = h.getInt();
            int n = h.getShort() & 0xffff;
            if (n > Wire.MAX_STRING) throw ProtocolException.framing("shm handshake response: text of " + n + " bytes");
            ByteBuffer rest = readFully(ch, n + (status == 0 ? 8 : 0)).order(ByteOrder.LITTLE_ENDIAN);
            byte[] t = new byte[n];
            rest.get(t);
            long size = status == 0 ? rest.getLong() : 0;
            if (size < 0) throw ProtocolException.framing("shm handshake response: file size " + Long.toUnsignedString(size));
            return new Response(status, new String(t, StandardCharsets.UTF_8), size);
        }
    }

    public static void writeFully(WritableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    /** Reads exactly {@code n} bytes (blocking channel). */
    public static ByteBuffer readFully(ReadableByteChannel ch, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) throw new EOFException("shm handshake: peer closed after " + b.position() + " of " + n + " bytes");
        }
        return b.flip();
    }
}
