package io.orion.client.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.orion.protocol.Codec;
import io.orion.protocol.Frame;
import io.orion.protocol.FrameFuzzer;
import io.orion.protocol.MemoryCalls;
import io.orion.protocol.ModuleCalls;
import io.orion.protocol.PayloadWriter;
import io.orion.protocol.Reply;
import io.orion.protocol.Request;
import io.orion.protocol.Results;
import io.orion.protocol.SessionCalls;
import io.orion.protocol.Wire;
import io.orion.protocol.stream.FrameStream;
import io.orion.server.internal.FakeBackend;

import org.junit.jupiter.api.Test;

/**
 * Hostile frames into a live server over TCP: random and mutated frames, most of them carrying
 * the connection's real session id so that they reach the request handlers. After each one a PING
 * must come back (the server neither crashed nor hangs); the frame itself must have been answered,
 * or have been a well-formed asynchronous request (whose error latches), or have closed the
 * connection. At the end every session is gone and the backend holds no memory and no context.
 * The count is {@code -Dorion.fuzz.frames} (CI runs the default; docs/protocol.md §8 records the
 * full run).
 */
class LiveServerFuzzTest {
    static final int FRAMES = Integer.getInteger("orion.fuzz.frames", 20_000);
    static final long SEED = Long.getLong("orion.fuzz.seed", 20261128L);
    private static final long PING_SEQ = 0xffff_fff0L;

    private final PayloadWriter writer = new PayloadWriter(1024);
    private FrameStream stream;
    private long session;
    private long pingSeq = PING_SEQ;

    private void connect(ServerFixture fx) throws IOException {
        if (stream != null) stream.close();
        SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", Integer.parseInt(fx.tcpEndpoint.replaceAll(".*:", ""))));
        stream = new FrameStream(ch, Wire.ABSOLUTE_MAX_PAYLOAD + Wire.HEADER_SIZE, 0);
        Reply hello = call(new SessionCalls.Hello(1, 1, false, 0, 0, 7, "fuzz", "fuzz", "", List.of(), 1, 64, 50), 0);
        session = ((SessionCalls.HelloOk) hello.result()).session();
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
            if (b == null) throw new IOException("closed");
            Frame f = Frame.parse(b, Wire.ABSOLUTE_MAX_PAYLOAD);
            if (f.header().seq() == seq && !f.header().has(Wire.FLAG_MORE)) return Codec.decodeReply(f.header(), f.payload());
        }
    }

    @Test
    void hostileFramesAreAnsweredOrCloseTheConnectionAndLeakNothing() throws Exception {
        FakeBackend backend = new FakeBackend(1L << 30);
        long answered = 0, silent = 0, closed = 0, total = 0;
        AtomicLong progress = new AtomicLong(System.nanoTime());
        try (ServerFixture fx = new ServerFixture(backend, ServerFixture.testSettings())) {
            Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (System.nanoTime() - progress.get() > 20_000_000_000L) {
                        System.err.println("fuzz: no progress for 20 s: the server hangs");
                        try { stream.close(); } catch (IOException ignored) { /* failing anyway */ }
                        return;
                    }
                }
            });
            FrameFuzzer fuzz = new FrameFuzzer(SEED);
            connect(fx);
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
                        if (b == null) throw new IOException("closed by the server");
                        Frame fr = Frame.parse(b, Wire.ABSOLUTE_MAX_PAYLOAD);
                        if (fr.header().seq() == pingSeq && fr.header().type() == 3) break;
                        if (fr.header().seq() == fuzzSeq) gotFuzzReply = true;
                    }
                    if (gotFuzzReply) answered++;
                    else {
                        // no answer is right only for a well-formed asynchronous request
                        assertTrue((f[5] & Wire.FLAG_ASYNC) != 0 && wellFormed(f), "frame " + i + " got no answer: "
                                + java.util.HexFormat.of().formatHex(f));
                        silent++;
                    }
                } catch (IOException e) {
                    closed++;
                    connect(fx);
                }
                progress.set(System.nanoTime());
            }
            watchdog.interrupt();
            stream.close();
            long t0 = System.nanoTime();
            while ((!fx.server.sessions().isEmpty() || backend.openContexts() > 0) && System.nanoTime() - t0 < 5_000_000_000L) Thread.sleep(20);
            assertEquals(List.of(), fx.server.sessions(), "sessions left");
            assertEquals(0, backend.openContexts(), "contexts left");
            assertEquals(0, backend.allocated(), "device memory left");
            assertTrue(fx.server.vgpus().isEmpty(), "automatic vGPUs left: " + fx.server.vgpus());
        }
        System.out.printf("live fuzz: %d frames: %d answered, %d well-formed async (no answer), %d closed the connection%n",
                total, answered, silent, closed);
        assertEquals(total, answered + silent + closed);
        assertTrue(answered > 0 && closed > 0);
    }

    private static boolean wellFormed(byte[] f) {
        try {
            Frame fr = Frame.parse(ByteBuffer.wrap(f), Wire.DEFAULT_MAX_PAYLOAD);
            if (fr.header().has(Wire.FLAG_INDIRECT)) return false;
            Codec.decodeRequest(fr.header(), fr.payload());
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
