package io.orion.protocol.stream;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

import io.orion.protocol.ProtocolException;
import io.orion.protocol.Wire;

/**
 * Reads and writes frames on a socket. Reads are buffered (one system call brings in as many
 * pipelined frames as have arrived) and a returned frame is a view into the buffer, valid until the
 * next {@link #read}. Waiting for data spins first, then sleeps in the kernel; in busy-poll mode it
 * never sleeps. Writes are gathering and thread-safe; a frame is written as one unit.
 *
 * <p>The reader trusts nothing: a frame whose magic is wrong or whose length exceeds the limit is a
 * fatal {@link ProtocolException} before any of its payload is buffered.
 */
public final class FrameStream implements Closeable {
    private static final int INITIAL = 256 * 1024;

    private final SocketChannel channel;
    private final int maxFrame;
    private final long spinNanos;
    private final Selector readSelector;
    private final Selector writeSelector;
    private final Object writeLock = new Object();
    private ByteBuffer in;
    /** Start of the bytes not yet handed out; the previous frame ends here. */
    private int start;

    /**
     * @param maxFrame   largest frame accepted, header included
     * @param spinNanos  how long to spin before sleeping; negative spins forever (busy poll)
     */
    public FrameStream(SocketChannel channel, int maxFrame, long spinNanos) throws IOException {
        this.channel = channel;
        this.maxFrame = maxFrame;
        this.spinNanos = spinNanos;
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.configureBlocking(false);
        this.readSelector = Selector.open();
        this.writeSelector = Selector.open();
        channel.register(readSelector, SelectionKey.OP_READ);
        channel.register(writeSelector, SelectionKey.OP_WRITE);
        this.in = ByteBuffer.allocateDirect(Math.min(INITIAL, Math.max(maxFrame, 4096))).order(Wire.ORDER);
    }

    public SocketChannel channel() { return channel; }

    /**
     * The next frame (header and payload, little-endian, position 0), valid until the next call; null
     * when the peer closed the connection between frames.
     *
     * @throws EOFException when it closed inside a frame
     * @throws ProtocolException (fatal) for a bad magic or a length over the limit
     */
    public ByteBuffer read() throws IOException {
        return read(0);
    }

    /**
     * As {@link #read()}, giving up at {@code deadlineNanos} ({@link System#nanoTime()}; 0 for never).
     *
     * @throws SocketTimeoutException when the deadline passes first
     */
    public ByteBuffer read(long deadlineNanos) throws IOException {
        long spinStart = System.nanoTime();
        while (true) {
            int avail = in.position() - start;
            if (avail >= Wire.HEADER_SIZE) {
                int magic = in.getInt(start);
                if (magic != Wire.MAGIC)
                    throw ProtocolException.framing(String.format("bad magic 0x%08x on the stream", magic));
                long len = Integer.toUnsignedLong(in.getInt(start + 12));
                if (len > maxFrame - Wire.HEADER_SIZE)
                    throw ProtocolException.framing("frame payload of " + len + " bytes exceeds the limit of " + (maxFrame - Wire.HEADER_SIZE));
                int need = Wire.HEADER_SIZE + (int) len;
                if (avail >= need) {
                    ByteBuffer frame = in.slice(start, need).order(Wire.ORDER);
                    start += need;
                    return frame;
                }
                makeRoom(need);
            } else {
                makeRoom(Wire.HEADER_SIZE);
            }
            int n = channel.read(in);
            if (n > 0) {
                spinStart = System.nanoTime();
                continue;
            }
            if (n < 0) {
                if (in.position() == start) return null;
                throw new EOFException("the connection closed inside a frame (" + (in.position() - start) + " bytes of it arrived)");
            }
            if (spinNanos < 0 || System.nanoTime() - spinStart < spinNanos) {
                Thread.onSpinWait();
            } else {
                try {
                    if (deadlineNanos == 0) {
                        readSelector.select();
                    } else {
                        long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
                        if (left <= 0) throw new SocketTimeoutException("no frame within the deadline");
                        readSelector.select(left);
                    }
                    readSelector.selectedKeys().clear();
                } catch (ClosedSelectorException e) {
                    throw new ClosedChannelException();
                }
                spinStart = System.nanoTime();
            }
        }
    }

    /** Makes sure the buffer has room for a frame of {@code need} bytes from {@link #start}. */
    private void makeRoom(int need) {
        if (in.capacity() - start >= need && in.hasRemaining()) return;
        int avail = in.position() - start;
        if (need > in.capacity()) {
            ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(need, Math.min(maxFrame, 2 * in.capacity()))).order(Wire.ORDER);
            bigger.put(0, in, start, avail);
            bigger.position(avail);
            in = bigger;
        } else {
            in.put(0, in, start, avail);
            in.position(avail);
        }
        start = 0;
    }

    /** Writes one frame made of {@code parts}; blocks while the socket's buffer is full. */
    public void write(ByteBuffer... parts) throws IOException {
        ByteBuffer[] ps = new ByteBuffer[parts.length];
        long left = 0;
        for (int i = 0; i < parts.length; i++) {
            ps[i] = parts[i].duplicate();
            left += ps[i].remaining();
        }
        synchronized (writeLock) {
            while (left > 0) {
                long n = channel.write(ps);
                if (n < 0) throw new EOFException("connection closed");
                left -= n;
                if (n == 0) {
                    try {
                        writeSelector.select(1000);
                        writeSelector.selectedKeys().clear();
                    } catch (ClosedSelectorException e) {
                        throw new ClosedChannelException();
                    }
                }
            }
        }
    }

    /** Closes the socket; a thread waiting in {@link #read} or {@link #write} is woken and gets an IOException. */
    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            readSelector.close();
            writeSelector.close();
        }
    }
}
