package io.orion.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import io.orion.api.backend.GpuBackend;
import io.orion.api.backend.GpuException;
import io.orion.client.ClientOptions;
import io.orion.client.e2e.ServerFixture;
import io.orion.client.e2e.TestBackends;
import io.orion.protocol.DeviceCalls;
import io.orion.protocol.FrameHeader;
import io.orion.protocol.MemoryCalls;
import io.orion.protocol.MessageType;
import io.orion.protocol.ModuleCalls;
import io.orion.protocol.SessionCalls;
import io.orion.protocol.Wire;
import io.orion.server.internal.ServerSettings;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every call's frame is encoded once, and the size check against the connection's frames rides on
 * that encoding: a request refused as too large sends nothing and takes no number, one cut into
 * pieces sends each piece numbered on, and every frame that goes out fits the connection.
 */
class FrameNumberingTest {
    private static GpuBackend backend;
    private static ServerFixture fx;

    @BeforeAll
    static void start() throws IOException {
        backend = TestBackends.host(1, 1024);
        // frames of 256 KiB over both transports: copies a few times that size are cut
        ServerSettings t = ServerFixture.testSettings();
        fx = new ServerFixture(backend, new ServerSettings(t.disconnectGrace(), t.transportGrace(), t.autoGrant(), 256 << 10,
                64 << 10, t.reaperPeriod(), t.serverName()));
    }

    @AfterAll
    static void stop() throws IOException {
        fx.close();
        TestBackends.close(backend);
    }

    /** The headers of the request frames a session sent, HELLO left out. */
    private static final class Recording implements Channel {
        final Channel real;
        final List<FrameHeader> sent = new ArrayList<>();

        Recording(Channel real) {
            this.real = real;
        }

        @Override public String name() { return real.name(); }

        @Override public void send(ByteBuffer... parts) throws IOException {
            FrameHeader h = FrameHeader.read(parts[0].duplicate().order(Wire.ORDER), Wire.ABSOLUTE_MAX_PAYLOAD);
            if (h.type() != MessageType.HELLO.code()) sent.add(h);
            real.send(parts);
        }

        @Override public ByteBuffer receive(long deadlineNanos) throws IOException { return real.receive(deadlineNanos); }

        @Override public int maxFrame() { return real.maxFrame(); }

        @Override public MemorySegment region() { return real.region(); }

        @Override public RegionAllocator allocator() { return real.allocator(); }

        @Override public void close() { real.close(); }
    }

    @ParameterizedTest
    @ValueSource(strings = {"shm", "tcp"})
    void framesFitAndAreNumberedConsecutively(String transport) {
        List<Recording> channels = new ArrayList<>();
        ClientOptions o = ClientOptions.of(fx.endpoint(transport), 256).withClientName("frame-numbering");
        ClientSession s = ClientSession.open(o, direct -> e -> {
            Recording r = new Recording(direct.connect(e));
            channels.add(r);
            return r;
        });
        try {
            Recording rec = channels.getLast();
            int max = s.maxPayload();
            assertTrue(max <= 256 << 10, "frames of " + max);
            int bytes = 2 * max + 1000;
            long dst = s.device(0).malloc(bytes);

            s.call(new DeviceCalls.DeviceSync(0));
            int before = rec.sent.size();
            // too large for a frame and not to be cut: nothing goes out, no number is used
            assertNull(s.callIfFits(new ModuleCalls.ModuleLoad(0, ByteBuffer.allocate(max + 1))));
            assertThrows(GpuException.class, () -> s.call(new SessionCalls.Ping(ByteBuffer.allocate(max + 1))));
            assertEquals(before, rec.sent.size(), "a request too large went out");

            // a queued copy too large for a frame goes in pieces, a synchronous one in queued pieces and a call
            ByteBuffer data = ByteBuffer.allocate(bytes);
            for (int i = 0; i < bytes; i++) data.put(i, (byte) (i * 7));
            s.post(new MemoryCalls.CopyHtoD(0, dst, 0, data.duplicate()), bytes);
            s.call(new MemoryCalls.CopyHtoD(0, dst, 0, data.duplicate()));
            s.call(new SessionCalls.Ping(ByteBuffer.allocate(16)));
            s.call(new DeviceCalls.DeviceSync(0));

            byte[] back = new byte[bytes];
            s.device(0).copyFromDevice(MemorySegment.ofArray(back), dst, bytes);
            for (int i = 0; i < bytes; i++) assertEquals((byte) (i * 7), back[i], "byte " + i);

            List<FrameHeader> sent = rec.sent;
            assertTrue(sent.size() >= before + 8, "the copies went in pieces: " + sent.size());
            for (int i = 1; i < sent.size(); i++) {
                assertEquals(Seq.next(sent.get(i - 1).seq()), sent.get(i).seq(), "frame " + i + " (" + sent.get(i).type() + ")");
                assertTrue(sent.get(i).length() <= max, "frame " + i + " of " + sent.get(i).length() + " bytes");
            }
        } finally {
            s.close();
        }
    }
}
