package io.orion.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.List;

import io.orion.protocol.Codec;
import io.orion.protocol.DeviceCalls;
import io.orion.protocol.EventCalls;
import io.orion.protocol.MemoryCalls;
import io.orion.protocol.MessageType;
import io.orion.protocol.PayloadWriter;
import io.orion.protocol.Reply;
import io.orion.protocol.Request;
import io.orion.protocol.Results;
import io.orion.protocol.StreamCalls;
import io.orion.protocol.Wire;

import org.junit.jupiter.api.Test;

/**
 * When region bytes are put before a request and got after a reply (docs/rdma.md §4): never
 * before the device is known to have written them, never twice.
 */
class RegionSyncTest {
    private final RegionSync sync = new RegionSync();
    private final PayloadWriter w = new PayloadWriter(256);

    private List<RegionSync.Range> send(Request r, boolean async, long seq) {
        return sync.beforeSend(Codec.encodeRequest(w, r, async ? Wire.FLAG_ASYNC : 0, seq, 7));
    }

    private List<RegionSync.Range> reply(MessageType type, long seq, int status) {
        Reply r = status == 0 ? Reply.ok(Results.Empty.INSTANCE) : Reply.error(status, "no");
        ByteBuffer[] parts = Codec.encodeReply(w, type, seq, 7, r, false);
        ByteBuffer f = ByteBuffer.allocate(1024);
        for (ByteBuffer p : parts) f.put(p.duplicate());
        return sync.afterReceive(f.flip());
    }

    private static RegionSync.Range range(long off, long len) {
        return new RegionSync.Range(off, len);
    }

    @Test
    void bytesTheServerReadsArePutFirst() {
        assertEquals(List.of(range(4096, 100)), send(new MemoryCalls.CopyHtoDRegion(0, 0xd00, 4096, 100, 0), false, 1));
        assertEquals(List.of(range(4096, 100)), send(new MemoryCalls.CopyHtoDRegion(0, 0xd00, 4096, 100, 5), true, 2));
        assertEquals(List.of(range(8192, 77)), sync.beforeSend(Codec.encodeIndirect(w, MessageType.MODULE_LOAD, 3, 7, 8192, 77)));
        assertEquals(List.of(), send(new MemoryCalls.MemAlloc(0, 10), false, 4));
    }

    @Test
    void aSynchronousCopyOnStreamZeroIsGotWithItsReply() {
        assertEquals(List.of(), send(new MemoryCalls.CopyDtoHRegion(0, 0xd00, 0, 4096, 0), false, 1));
        assertEquals(List.of(range(0, 4096)), reply(MessageType.COPY_DTOH_REGION, 1, 0));
        assertEquals(0, sync.pendingCount());
    }

    @Test
    void aRefusedCopyIsNotGot() {
        send(new MemoryCalls.CopyDtoHRegion(0, 0xd00, 0, 4096, 0), false, 1);
        assertEquals(List.of(), reply(MessageType.COPY_DTOH_REGION, 1, 1));
    }

    @Test
    void aQueuedCopyWaitsForASynchronizationOfItsStream() {
        send(new MemoryCalls.CopyDtoHRegion(0, 0xd00, 0, 100, 5), true, 1);
        send(new MemoryCalls.CopyDtoHRegion(0, 0xd00, 200, 100, 6), true, 2);
        send(new MemoryCalls.CopyDtoHRegion(1, 0xd00, 400, 100, 5), true, 3);
        send(new StreamCalls.StreamSync(0, 6), false, 4);
        assertEquals(List.of(range(200, 100)), reply(MessageType.STREAM_SYNC, 4, 0), "only stream 6 of device 0");
        send(new StreamCalls.StreamQuery(0, 5), false, 5);
        assertEquals(List.of(), reply(MessageType.STREAM_QUERY, 5, 600), "still running: nothing yet");
        send(new DeviceCalls.DeviceSync(1), false, 6);
        assertEquals(List.of(range(400, 100)), reply(MessageType.DEVICE_SYNC, 6, 0));
        send(new StreamCalls.StreamSync(0, 0), false, 7);
        assertEquals(List.of(range(0, 100)), reply(MessageType.STREAM_SYNC, 7, 0), "stream 0 waits for every stream");
        send(new DeviceCalls.DeviceSync(0), false, 8);
        assertEquals(List.of(), reply(MessageType.DEVICE_SYNC, 8, 0), "nothing is got twice");
    }

    @Test
    void anEventCoversCopiesQueuedBeforeItsRecordOnItsStream() {
        send(new MemoryCalls.CopyDtoHRegion(0, 0xd00, 0, 100, 5), true, 1);
        send(new EventCalls.EventRecord(0, 9, 5), true, 2);
        send(new MemoryCalls.CopyDtoHRegion(0, 0xd00, 200, 100, 5), true, 3);
        send(new MemoryCalls.CopyDtoHRegion(0, 0xd00, 400, 100, 6), true, 4);
        send(new EventCalls.EventSync(0, 9), false, 5);
        assertEquals(List.of(range(0, 100)), reply(MessageType.EVENT_SYNC, 5, 0));
        send(new EventCalls.EventRecord(0, 9, 5), true, 6);
        send(new EventCalls.EventQuery(0, 9), false, 7);
        assertEquals(List.of(range(200, 100)), reply(MessageType.EVENT_QUERY, 7, 0));
        assertEquals(1, sync.pendingCount(), "stream 6's copy is not covered by an event of stream 5");
    }

    @Test
    void sequenceNumbersWrap() {
        send(new MemoryCalls.CopyDtoHRegion(0, 0xd00, 0, 100, 5), true, 0xffff_ffffL);
        send(new DeviceCalls.DeviceSync(0), false, 1);
        assertEquals(List.of(range(0, 100)), reply(MessageType.DEVICE_SYNC, 1, 0));
    }
}
