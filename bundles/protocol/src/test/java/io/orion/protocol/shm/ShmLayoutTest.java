package io.orion.protocol.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;

import io.orion.protocol.ProtocolException;

import org.junit.jupiter.api.Test;

class ShmLayoutTest {

    @Test
    void offsetsAreAlignedAndTheControlBlockReadsBack() {
        ShmLayout l = new ShmLayout(1 << 20, 256 << 10, 64L << 20);
        assertEquals(4096, l.requestRingOffset());
        assertEquals(0, l.replyRingOffset() % 4096);
        assertEquals(0, l.regionOffset() % ShmLayout.REGION_ALIGN);
        assertTrue(l.replyRingOffset() >= l.requestRingOffset() + ShmRing.HEADER_BYTES + (1 << 20));
        assertTrue(l.regionOffset() >= l.replyRingOffset() + ShmRing.HEADER_BYTES + (256 << 10));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment file = a.allocate(l.fileSize(), 4096);
            l.initialize(file, 1234);
            assertEquals(l, ShmLayout.read(file));
            assertEquals("ORVGSHM1", new String(file.asSlice(0, 8).toArray(ValueLayout.JAVA_BYTE)));
            file.set(ValueLayout.JAVA_LONG, ShmLayout.OFF_REGION_OFFSET, l.regionOffset() + 4096);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShmLayout.read(file));
            assertTrue(e.getMessage().contains("offsets"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ShmLayout.read(file.asSlice(0, 4096)));
        }
    }

    @Test
    void ringCapacitiesMustBePowersOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new ShmLayout(3 << 20, 4096, 0));
        assertThrows(IllegalArgumentException.class, () -> new ShmLayout(4096, 4096, 100));
    }

    @Test
    void handshakeRoundTrips() throws IOException {
        ShmHandshake.Request req = new ShmHandshake.Request(4242, 512);
        assertEquals(req, ShmHandshake.Request.decode(req.encode()));
        ByteBuffer bad = req.encode();
        bad.put(0, (byte) 0);
        assertThrows(ProtocolException.class, () -> ShmHandshake.Request.decode(bad));

        Pipe p = Pipe.open();
        ShmHandshake.writeFully(p.sink(), ShmHandshake.Response.ok("/dev/shm/orion/orion-1.shm", 1 << 30).encode());
        assertEquals(ShmHandshake.Response.ok("/dev/shm/orion/orion-1.shm", 1 << 30), ShmHandshake.Response.read(p.source()));
        ShmHandshake.writeFully(p.sink(), ShmHandshake.Response.error(2, "region of 99999 MiB exceeds 4096").encode());
        assertEquals(2, ShmHandshake.Response.read(p.source()).status());
    }
}
