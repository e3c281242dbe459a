package io.orion.protocol.rdma;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.HexFormat;

import io.orion.protocol.ProtocolException;

import org.junit.jupiter.api.Test;

/** The rendezvous bytes of docs/protocol.md §6b, both ways, and what a decoder refuses. */
class RdmaHandshakeTest {

    private static ReadableByteChannel channel(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return Channels.newChannel(new ByteArrayInputStream(a));
    }

    @Test
    void aRequestIsLaidOutAsSpecified() throws IOException {
        RdmaHandshake.Request r = new RdmaHandshake.Request(4242, 16, RdmaHandshake.WANT_RMA, new byte[] {1, 2, 3});
        ByteBuffer b = r.encode();
        // magic "ORVGRDM1", version 1, pid, region MiB, flags, address length, address
        assertEquals("4f52564752444d31" + "01000000" + "92100000" + "10000000" + "01000000" + "03000000" + "010203",
                HexFormat.of().formatHex(b.array(), 0, b.limit()));
        RdmaHandshake.Request back = RdmaHandshake.Request.read(channel(b));
        assertEquals(4242, back.pid());
        assertEquals(16, back.regionMiB());
        assertTrue(back.wantsRma());
        assertArrayEquals(new byte[] {1, 2, 3}, back.workerAddress());
    }

    @Test
    void responsesRoundTripWithAndWithoutARegion() throws IOException {
        byte[] key = {9, 8, 7, 6}, addr = new byte[300];
        addr[299] = 5;
        RdmaHandshake.Response rma = RdmaHandshake.Response.ok(RdmaHandshake.RMA, 1 << 20, 0x7f00_0000_1000L, 8 << 20, key, addr);
        RdmaHandshake.Response back = RdmaHandshake.Response.read(channel(rma.encode()));
        assertTrue(back.rma());
        assertEquals(0x7f00_0000_1000L, back.regionAddress());
        assertEquals(8 << 20, back.regionSize());
        assertEquals(1 << 20, back.maxFrame());
        assertArrayEquals(key, back.remoteKey());
        assertArrayEquals(addr, back.workerAddress());

        assertFalse(back.serverHasDevice());
        RdmaHandshake.Response plain = RdmaHandshake.Response.ok(RdmaHandshake.DEVICE, 1 << 20, 0, 0, new byte[0], addr);
        back = RdmaHandshake.Response.read(channel(plain.encode()));
        assertFalse(back.rma());
        assertTrue(back.serverHasDevice());
        assertEquals(0, back.remoteKey().length);

        RdmaHandshake.Response refused = RdmaHandshake.Response.error(2, "a region of 9999 MiB exceeds the limit");
        back = RdmaHandshake.Response.read(channel(refused.encode()));
        assertEquals(2, back.status());
        assertEquals("a region of 9999 MiB exceeds the limit", back.text());
    }

    @Test
    void aDecoderRefusesWhatItCannotTrust() {
        ByteBuffer good = new RdmaHandshake.Request(1, 0, 0, new byte[] {1}).encode();
        ByteBuffer badMagic = good.duplicate().order(ByteOrder.LITTLE_ENDIAN).putLong(0, 0x1234);
        assertTrue(assertThrows(ProtocolException.class, () -> RdmaHandshake.Request.read(channel(badMagic))).getMessage().contains("bad magic"));

        ByteBuffer huge = new RdmaHandshake.Request(1, 0, 0, new byte[] {1}).encode().order(ByteOrder.LITTLE_ENDIAN);
        huge.putInt(24, RdmaHandshake.MAX_BLOB + 1);
        assertTrue(assertThrows(ProtocolException.class, () -> RdmaHandshake.Request.read(channel(huge))).getMessage().contains("worker address of 65537 bytes"));

        ByteBuffer flags = new RdmaHandshake.Request(1, 0, 0, new byte[] {1}).encode().order(ByteOrder.LITTLE_ENDIAN);
        flags.putInt(20, 0x80);
        assertTrue(assertThrows(ProtocolException.class, () -> RdmaHandshake.Request.read(channel(flags))).getMessage().contains("unknown request flags"));

        ByteBuffer cut = new RdmaHandshake.Request(1, 0, 0, new byte[] {1, 2, 3, 4}).encode();
        cut.limit(cut.limit() - 2);
        assertThrows(EOFException.class, () -> RdmaHandshake.Request.read(channel(cut)));

        // an RMA response without a region is a lie the client must not act on
        ByteBuffer noRegion = RdmaHandshake.Response.ok(0, 1 << 20, 0, 0, new byte[0], new byte[] {1}).encode().order(ByteOrder.LITTLE_ENDIAN);
        noRegion.putInt(14, RdmaHandshake.RMA);
        assertTrue(assertThrows(ProtocolException.class, () -> RdmaHandshake.Response.read(channel(noRegion))).getMessage().contains("region of 0 bytes"));
        assertThrows(IllegalArgumentException.class, () -> new RdmaHandshake.Request(1, 0, 0, new byte[0]));
    }
}
