package io.orion.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Strictness of the codec beyond the golden vectors: every truncation and extension is refused. */
class CodecTest {

    private static Object decode(byte[] frame) {
        Frame f = Frame.parse(ByteBuffer.wrap(frame), Wire.ABSOLUTE_MAX_PAYLOAD);
        if (f.header().has(Wire.FLAG_INDIRECT)) return Codec.Indirect.read(f.payload());
        return f.header().isReply() ? Codec.decodeReply(f.header(), f.payload()) : Codec.decodeRequest(f.header(), f.payload());
    }

    /** The same frame with its payload cut to {@code n} bytes (the header's length follows). */
    private static byte[] withPayload(byte[] frame, int n) {
        byte[] c = Arrays.copyOf(frame, Wire.HEADER_SIZE + n);
        ByteBuffer.wrap(c).order(Wire.ORDER).putInt(12, n);
        return c;
    }

    @Test
    void everyTruncatedPayloadIsAContentErrorUnlessTheMessageEndsInBulk() {
        for (GoldenSamples.Sample s : GoldenSamples.valid()) {
            byte[] frame = Vectors.encode(s);
            int len = frame.length - Wire.HEADER_SIZE;
            Object whole = decode(frame);
            for (int n = 0; n < len; n++) {
                byte[] cut = withPayload(frame, n);
                try {
                    Object shorter = decode(cut);
                    // Only a message whose last field is bulk data (or a reply whose result is) can be shorter.
                    assertFalse(shorter.equals(whole), s.name() + " cut to " + n + " decoded to the same message");
                    assertTrue(endsInBulk(whole), s.name() + " cut to " + n + " bytes still decoded: " + shorter);
                } catch (ProtocolException e) {
                    assertFalse(e.fatal(), "a short payload in a well-delimited frame is a content error: " + e.getMessage());
                }
            }
        }
    }

    private static boolean endsInBulk(Object m) {
        return switch (m) {
            case Request r -> r.tail() != null;
            case Reply r -> r.result() != null && r.result().tail() != null;
            default -> false;
        };
    }

    @Test
    void aTrailingByteIsRefusedWhereTheMessageHasNoBulkTail() {
        for (GoldenSamples.Sample s : GoldenSamples.valid()) {
            byte[] frame = Vectors.encode(s);
            if (endsInBulk(decode(frame))) continue;
            byte[] longer = Arrays.copyOf(frame, frame.length + 1);
            ByteBuffer.wrap(longer).order(Wire.ORDER).putInt(12, frame.length - Wire.HEADER_SIZE + 1);
            ProtocolException e = assertThrows(ProtocolException.class, () -> decode(longer), s.name());
            assertTrue(e.getMessage().contains("unexpected bytes"), e.getMessage());
        }
    }

    @Test
    void asyncIsAllowedExactlyForCallsWithoutAResultToWaitFor() {
        List<MessageType> async = Arrays.stream(MessageType.values()).filter(MessageType::asyncAllowed).toList();
        assertEquals(List.of(MessageType.MEM_FREE, MessageType.MEMSET, MessageType.COPY_HTOD, MessageType.COPY_DTOD,
                MessageType.COPY_HTOD_REGION, MessageType.COPY_DTOH_REGION, MessageType.MODULE_UNLOAD, MessageType.LAUNCH,
                MessageType.STREAM_DESTROY, MessageType.STREAM_WAIT_EVENT, MessageType.EVENT_DESTROY,
                MessageType.EVENT_RECORD), async);
        PayloadWriter w = new PayloadWriter(64);
        assertThrows(IllegalArgumentException.class,
                () -> Codec.encodeRequest(w, new MemoryCalls.MemAlloc(0, 1), Wire.FLAG_ASYNC, 1, 1));
    }

    @Test
    void typeCodesAreUnique() {
        assertEquals(MessageType.values().length,
                Arrays.stream(MessageType.values()).mapToInt(MessageType::code).distinct().count());
        for (MessageType t : MessageType.values()) assertEquals(t, MessageType.of(t.code()));
        assertEquals(null, MessageType.of(0xffff));
        assertEquals(null, MessageType.of(-1));
    }

    @Test
    void aPayloadOverTheLimitIsFatalBeforeAnyByteOfItIsRead() {
        ByteBuffer b = ByteBuffer.allocate(Wire.HEADER_SIZE).order(Wire.ORDER);
        new FrameHeader(1, 0, MessageType.MODULE_LOAD.code(), 1, Wire.HELLO_MAX_PAYLOAD + 1, 0).write(b, 0);
        ProtocolException e = assertThrows(ProtocolException.class, () -> FrameHeader.read(b, Wire.HELLO_MAX_PAYLOAD));
        assertTrue(e.fatal());
        assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
    }

    @Test
    void stringsOverTheLimitAreRefusedOnBothSides() {
        String tooLong = "k".repeat(Wire.MAX_STRING + 1);
        PayloadWriter w = new PayloadWriter(64);
        assertThrows(IllegalArgumentException.class, () -> Codec.encodeRequest(w, new ModuleCalls.FunctionGet(0, 1, tooLong), 0, 1, 1));
        ByteBuffer p = ByteBuffer.allocate(2 + 8 + 2 + tooLong.length()).order(Wire.ORDER);
        p.putShort((short) 0).putLong(1).putShort((short) tooLong.length()).put(tooLong.getBytes()).flip();
        FrameHeader h = new FrameHeader(1, 0, MessageType.FUNCTION_GET.code(), 1, p.remaining(), 1);
        ProtocolException e = assertThrows(ProtocolException.class, () -> Codec.decodeRequest(h, p));
        assertTrue(e.getMessage().contains("exceeds " + Wire.MAX_STRING), e.getMessage());
    }

    @Test
    void functionInfoRefusesParametersOutsideTheParameterSpace() {
        ByteBuffer p = ByteBuffer.allocate(12 + 8 + 8 + 2).order(Wire.ORDER);
        p.putInt(0).putInt(0).putInt(0).putLong(7).putShort((short) 1).putInt(32_760).putInt(8).flip();
        FrameHeader h = new FrameHeader(1, Wire.FLAG_REPLY, MessageType.FUNCTION_GET.code(), 1, p.remaining(), 1);
        ProtocolException e = assertThrows(ProtocolException.class, () -> Codec.decodeReply(h, p));
        assertTrue(e.getMessage().contains("parameter space"), e.getMessage());
        assertEquals(28, new ModuleCalls.FunctionInfo(2, List.of(new ModuleCalls.Param(0, 8), new ModuleCalls.Param(24, 4),
                new ModuleCalls.Param(8, 8))).argumentBytes());
    }
}
