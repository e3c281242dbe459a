package io.orion.client.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.orion.protocol.Codec;
import io.orion.protocol.Frame;
import io.orion.protocol.FrameFuzzer;
import io.orion.protocol.MemoryCalls;
import io.orion.protocol.ModuleCalls;
import io.orion.protocol.PayloadWriter;
import io.orion.protocol.ProtocolException;
import io.orion.protocol.Reply;
import io.orion.protocol.Request;
import io.orion.protocol.Results;
import io.orion.protocol.SessionCalls;
import io.orion.protocol.Wire;
import io.orion.protocol.stream.FrameStream;
import io.orion.client.internal.RawShmFrames;
import io.orion.server.internal.FakeBackend;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile frames into a live server over TCP and over shared memory: random and mutated frames, most of them carrying
 * the connection's real session id so that they reach the request handlers. After each one a PING
 * must come back (the server neither crashed nor hangs); the frame itself must have been answered,
 * or have been a well-formed asynchronous request (whose error latches), or have closed the
 * connection, which only a frame the decoder cannot delimit or a GOODBYE may do. No answer within
 * 20 s fails the test as a hang. At the end every session is gone and the backend holds no memory and no context.
 * The count is {@code -Dorion.fuzz.frames} (CI runs the default; docs/protocol.md §8 records the
 * full run).
 */
class LiveServerFuzzTest {
    static final int FRAMES = Integer.getInteger("orion.fuzz.frames", 20_000);
    static final long SEED = Long.getLong("orion.fuzz.seed", 20261128L);
    private static final long PING_SEQ = 0xffff_fff0L;

    private final PayloadWriter writer = new PayloadWriter(1024);
    private Link stream;
    private long session;
    private int maxPayload;
    private long pingSeq = PING_SEQ;

    /** Raw frames to and from the server over one transport; read fails with an IOException once the server closed. */
    private interface Link extends AutoCloseable {
        void write(ByteBuffer... parts) throws IOException;

        ByteBuffer read() throws IOException;

        /** Bytes of the payload region INDIRECT frames point into; 0 without one (TCP). */
        long regionBytes();

        @Override void close() throws IOException;
    }

    private static Link tcp(ServerFixture fx) throws IOException {
        SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", Integer.parseInt(fx.tcpEndpoint.replaceAll(".*:", ""))));
        FrameStream fs = new FrameStream(ch, Wire.ABSOLUTE_MAX_PAYLOAD + Wire.HEADER_SIZE, 0);
        return new Link() {
            @Override public void write(ByteBuffer... parts) throws IOException { fs.write(parts); }

            @Override public ByteBuffer read() throws IOException {
                ByteBuffer b = fs.read();
                if (b == null) throw new IOException("closed by the server");
                return b;
            }

            @Override public long regionBytes() { return 0; }

            @Override public void close() throws IOException { fs.close(); }
        };
    }

    private static Link shm(ServerFixture fx) throws IOException {
        RawShmFrames raw = RawShmFrames.connect(fx.shmEndpoint, 1);
        return new Link() {
            @Override public void write(ByteBuffer... parts) throws IOException {
                // one frame, one ring entry: a ring write takes a frame's parts together
                long n = 0;
                for (ByteBuffer p : parts) n += p.remaining();
                ByteBuffer f = ByteBuffer.allocate((int) n);
                for (ByteBuffer p : parts) f.put(p.duplicate());
                raw.write(f.flip());
            }

            @Override public ByteBuffer read() throws IOException { return raw.read(); }

            @Override public long regionBytes() { return raw.regionBytes(); }

            @Override public void close() { raw.close(); }
        };
    }

    private void connect(ServerFixture fx, String transport) throws IOException {
        if (stream != null) stream.close();
        stream = transport.equals("tcp") ? tcp(fx) : shm(fx);
        Reply hello = call(new SessionCalls.Hello(1, 1, false, 0, 0, 7, "fuzz", "fuzz", "", List.of(), 1, 64, 50), 0);
        SessionCalls.HelloOk ok = (SessionCalls.HelloOk) hello.result();
        session = ok.session();
        maxPayload = ok.maxPayload();
        // give the mutations something real to aim at: memory and a module with a kernel
        long p = ((Results.Pointer) call(new MemoryCalls.MemAlloc(0, 1 << 20), 1).result()).address();
        call(new MemoryCalls.CopyHtoD(0, p, 0, ByteBuffer.allocate(4096)), 2);
        long m = ((Results.Handle) call(new ModuleCalls.ModuleLoad(0, ByteBuffer.wrap("fill\nfault\n".getBytes(StandardCharsets.UTF_8))), 3).result()).handle();
        call(new ModuleCalls.FunctionGet(0, m, "fill"), 4);
    }

    private Reply call(Request r, long seq) throws IOException {
        stream.write(Codec.encodeRequest(writer, r, 0, seq, session));
        while (true) {
            ByteBuffer b = stream.read();
            Frame f = Frame.parse(b, Wire.ABSOLUTE_MAX_PAYLOAD);
            if (f.header().seq() == seq && !f.header().has(Wire.FLAG_MORE)) return Codec.decodeReply(f.header(), f.payload());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "shm"})
    void hostileFramesAreAnsweredOrCloseTheConnectionAndLeakNothing(String transport) throws Exception {
        FakeBackend backend = new FakeBackend(1L << 30);
        long answered = 0, silent = 0, closed = 0, goodbyes = 0, total = 0;
        AtomicLong progress = new AtomicLong(System.nanoTime());
        AtomicBoolean hung = new AtomicBoolean();
        try (ServerFixture fx = new ServerFixture(backend, ServerFixture.testSettings())) {
            Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (System.nanoTime() - progress.get() > 20_000_000_000L) {
                        // Unblocks the read; the loop then fails the test on the flag, never counting this as a close.
                        hung.set(true);
                        try { stream.close(); } catch (IOException ignored) { /* failing anyway */ }
                        return;
                    }
                }
            });
            FrameFuzzer fuzz = new FrameFuzzer(SEED);
            connect(fx, transport);
            for (int i = 0; i < FRAMES; i++) {
                byte[] f = fuzz.nextDelimited();
                ByteBuffer hb = ByteBuffer.wrap(f).order(Wire.ORDER);
                int r = fuzz.random().nextInt(100);
                if (r < 85) { // mostly let the header through, so that the payload reaches the handlers
                    hb.putInt(0, Wire.MAGIC);
                    f[4] = 1;
                    f[5] &= (byte) (Wire.FLAG_ASYNC | Wire.FLAG_INDIRECT | (r < 5 ? Wire.FLAG_REPLY : 0));
                    hb.putLong(16, session);
                    long s = hb.getInt(8) & 0xffff_ffffL;
                    if (s >= PING_SEQ) hb.putInt(8, 5);
                }
                long fuzzSeq = hb.getInt(8) & 0xffff_ffffL;
                total++;
                try {
                    stream.write(ByteBuffer.wrap(f));
                    pingSeq = pingSeq == 0xffff_ffffL ? PING_SEQ : pingSeq + 1;
                    stream.write(Codec.encodeRequest(writer, new SessionCalls.Ping(ByteBuffer.allocate(0)), 0, pingSeq, session));
                    boolean gotFuzzReply = false;
                    while (true) {
                        ByteBuffer b = stream.read();
                        Frame fr = Frame.parse(b, Wire.ABSOLUTE_MAX_PAYLOAD);
                        if (fr.header().seq() == pingSeq && fr.header().type() == 3) break;
                        if (fr.header().seq() == fuzzSeq) gotFuzzReply = true;
                    }
                    if (gotFuzzReply) answered++;
                    else {
                        // no answer is right only for a well-formed asynchronous request
                        assertTrue((f[5] & Wire.FLAG_ASYNC) != 0 && wellFormed(f, stream.regionBytes()), "frame " + i + " got no answer: "
                                + HexFormat.of().formatHex(f));
                        silent++;
                    }
                } catch (IOException e) {
                    assertFalse(hung.get(), "frame " + i + " (seed " + SEED + "): no answer for 20 s, the server hangs: "
                            + HexFormat.of().formatHex(f));
                    String why = mustClose(f);
                    assertTrue(why != null, "frame " + i + " (seed " + SEED + ") closed the connection, but the decoder delimits"
                            + " it and it is no GOODBYE, so it must be answered: " + HexFormat.of().formatHex(f));
                    if (why.equals("goodbye")) goodbyes++;
                    closed++;
                    connect(fx, transport);
                }
                progress.set(System.nanoTime());
            }
            watchdog.interrupt();
            assertFalse(hung.get(), "the server hung");
            stream.close();
            long t0 = System.nanoTime();
            while ((!fx.server.sessions().isEmpty() || backend.openContexts() > 0) && System.nanoTime() - t0 < 5_000_000_000L) Thread.sleep(20);
            assertEquals(List.of(), fx.server.sessions(), "sessions left");
            assertEquals(0, backend.openContexts(), "contexts left");
            assertEquals(0, backend.allocated(), "device memory left");
            assertTrue(fx.server.vgpus().isEmpty(), "automatic vGPUs left: " + fx.server.vgpus());
        }
        System.out.printf("live fuzz over %s: %d frames: %d answered, %d well-formed async (no answer), %d closed the connection"
                + " (%d of them a GOODBYE, the rest framing errors)%n", transport, total, answered, silent, closed, goodbyes);
        assertEquals(total, answered + silent + closed);
        assertTrue(answered > 0 && closed > 0);
    }

    /**
     * Why the server may close the connection after this frame, or null when it must answer it: the
     * decoder cannot delimit it (bad magic, version, flags or length: a fatal framing error, protocol.md
     * §2.3), or it is a GOODBYE of this session, which ends the session and its connection.
     */
    private String mustClose(byte[] f) {
        Frame fr;
        try {
            fr = Frame.parse(ByteBuffer.wrap(f), maxPayload);
        } catch (ProtocolException e) {
            return e.fatal() ? "framing: " + e.getMessage() : null;
        }
        if (fr.header().session() != session || fr.header().has(Wire.FLAG_INDIRECT)) return null;
        try {
            return Codec.decodeRequest(fr.header(), fr.payload()) instanceof SessionCalls.Goodbye ? "goodbye" : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether an asynchronous frame may go unanswered: it decodes. An INDIRECT one (shm) decodes from
     * the region bytes it points at, which earlier frames may have filled with device data: one whose
     * reference lies inside the region is taken as possibly well-formed.
     */
    private static boolean wellFormed(byte[] f, long regionBytes) {
        try {
            Frame fr = Frame.parse(ByteBuffer.wrap(f), Wire.DEFAULT_MAX_PAYLOAD);
            if (fr.header().has(Wire.FLAG_INDIRECT)) {
                Codec.Indirect ref = Codec.Indirect.read(fr.payload());
                return ref.offset() >= 0 && ref.length() >= 0 && ref.offset() + ref.length() <= regionBytes;
            }
            Codec.decodeRequest(fr.header(), fr.payload());
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
