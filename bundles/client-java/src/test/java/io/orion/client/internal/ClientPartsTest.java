package io.orion.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

import io.orion.client.KernelArgs;
import io.orion.protocol.MemoryCalls;
import io.orion.protocol.SessionCalls;

import org.junit.jupiter.api.Test;

/** The client's small parts: endpoints, sequence numbers, the replay log, region pieces, argument packing. */
class ClientPartsTest {

    @Test
    void endpointsParseOrSayWhatIsWrong() {
        assertEquals(new Endpoint("tcp", "gpu-7", 9961, null), Endpoint.parse("tcp://gpu-7:9961"));
        assertEquals(9960, Endpoint.parse("tcp://gpu-7").port());
        assertEquals(Path.of("/dev/shm/orion/orion.sock"), Endpoint.parse("shm:///dev/shm/orion/orion.sock").socket());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("udp://x:1")).getMessage().contains("tcp or shm"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("tcp:///nohost")).getMessage().contains("no host"));
    }

    @Test
    void sequenceNumbersWrapSkippingZeroAndCompareAsSerialNumbers() {
        assertEquals(1, Seq.next(0xffff_ffffL));
        assertEquals(2, Seq.next(1));
        assertTrue(Seq.after(1, 0xffff_fff0L), "1 comes after a number just before the wrap");
        assertFalse(Seq.after(0xffff_fff0L, 1));
        assertTrue(Seq.notAfter(5, 5));
    }

    @Test
    void theReplayLogKeepsWhatWasNotAcknowledged() {
        ReplayLog log = new ReplayLog();
        for (long s = 10; s < 15; s++) log.add(s, new SessionCalls.Goodbye(), 2, 100);
        log.ackThrough(11);
        assertEquals(List.of(12L, 13L, 14L), log.after(0).stream().map(ReplayLog.Entry::seq).toList());
        assertEquals(List.of(14L), log.after(13).stream().map(ReplayLog.Entry::seq).toList());
        assertFalse(log.full());
        for (int i = 0; i < ReplayLog.MAX_ENTRIES; i++) log.add(100 + i, new MemoryCalls.MemFree(0, 1), 2, 0);
        assertTrue(log.full());
    }

    @Test
    void aRefitReplayLogCutsWhatNoLongerFitsAndNumbersOnFromWhatWasHandled() {
        ReplayLog log = new ReplayLog();
        ByteBuffer data = ByteBuffer.allocate(10);
        for (int i = 0; i < 10; i++) data.put(i, (byte) i);
        log.add(0xffff_fffeL, new MemoryCalls.MemFree(0, 1), 2, 0);
        log.add(0xffff_ffffL, new MemoryCalls.CopyHtoD(0, 1000, 7, data), 2, 10);
        log.add(1, new MemoryCalls.MemFree(0, 2), 2, 0);
        log.ackThrough(0xffff_fffeL);
        // pieces of at most 4 bytes, as a connection with smaller frames would need
        List<ReplayLog.Entry> again = log.refit(0xffff_fffeL, r -> r instanceof MemoryCalls.CopyHtoD c && c.data().remaining() > 4
                ? List.of(new MemoryCalls.CopyHtoD(0, c.dst(), c.stream(), c.data().slice(0, 4)),
                        new MemoryCalls.CopyHtoD(0, c.dst() + 4, c.stream(), c.data().slice(4, 4)),
                        new MemoryCalls.CopyHtoD(0, c.dst() + 8, c.stream(), c.data().slice(8, 2)))
                : List.of(r));
        assertEquals(List.of(0xffff_ffffL, 1L, 2L, 3L), again.stream().map(ReplayLog.Entry::seq).toList(),
                "numbered on from the last handled, across the wrap");
        assertEquals(List.of(1000L, 1004L, 1008L), again.subList(0, 3).stream().map(e -> ((MemoryCalls.CopyHtoD) e.request()).dst()).toList());
        assertEquals(List.of(4L, 4L, 2L, 0L), again.stream().map(ReplayLog.Entry::bytes).toList(), "each piece holds its own bytes");
        assertEquals(9, ((MemoryCalls.CopyHtoD) again.get(2).request()).data().get(1), "the last piece carries the last bytes");
        assertTrue(again.stream().allMatch(e -> e.flags() == 2));
        assertEquals(again, log.after(0xffff_fffeL), "the log holds what is sent again");
        log.ackThrough(1);
        assertEquals(List.of(2L, 3L), log.after(1).stream().map(ReplayLog.Entry::seq).toList());
    }

    @Test
    void regionPiecesAreAlignedReusedAndTheMappingOutlivesItsConnection() {
        Arena arena = Arena.ofShared();
        MemorySegment region = arena.allocate(1 << 20, 4096);
        RegionAllocator a = new RegionAllocator(region, arena);
        MemorySegment p = a.alloc(10), q = a.alloc(5000), r = a.alloc(700_000);
        assertEquals(0, a.offset(p));
        assertEquals(4096, a.offset(q));
        assertEquals(12288, a.offset(r));
        assertNull(a.alloc(400_000), "no room left");
        assertTrue(a.contains(q, 5000));
        assertFalse(a.contains(q, 1 << 20));
        a.release(q);
        assertEquals(4096, a.offset(a.alloc(8192)), "freed space is used again");
        a.retire(); // the connection is gone; pieces handed out stay valid
        assertTrue(arena.scope().isAlive());
        assertNull(a.alloc(1));
        a.release(p);
        a.release(r);
        assertTrue(arena.scope().isAlive(), "one piece is still out");
    }

    @Test
    void argumentsArePackedWhereTheLayoutSaysAndCheckedBySize() {
        KernelArgs args = new KernelArgs(List.of(new int[] {0, 8}, new int[] {8, 4}, new int[] {16, 8}), 24);
        var packed = args.ptr(0x1122334455667788L).i32(7).f64(2.5).packed().order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(24, packed.remaining());
        assertEquals(0x1122334455667788L, packed.getLong(0));
        assertEquals(7, packed.getInt(8));
        assertEquals(0, packed.getInt(12), "padding stays zero");
        assertEquals(2.5, packed.getDouble(16));
        KernelArgs b = new KernelArgs(List.of(new int[] {0, 4}), 4);
        assertThrows(IllegalArgumentException.class, () -> b.ptr(1), "a pointer into a 4-byte parameter");
        assertThrows(IllegalArgumentException.class, () -> new KernelArgs(List.of(new int[] {0, 4}), 4).packed(), "a missing argument");
        assertNotNull(new KernelArgs(List.of(), 0).packed());
    }
}
