package io.orion.protocol;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random and mutated frames into the decoder: each one decodes or is refused with a
 * {@link ProtocolException}; nothing else may escape (no index error, no overflow, no runaway
 * allocation). The count is {@code -Dorion.fuzz.frames}; CI runs the default, the full million was
 * run by hand (docs/protocol.md §8).
 */
class DecoderFuzzTest {

    static final int FRAMES = Integer.getInteger("orion.fuzz.frames", 50_000);
    static final long SEED = Long.getLong("orion.fuzz.seed", 20261128L);

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS) // a decoder that loops fails here; the full million takes ~2 s
    void noFrameEscapesTheDecoderWithAnythingButAProtocolException() {
        FrameFuzzer fuzz = new FrameFuzzer(SEED);
        long decoded = 0, fatal = 0, content = 0;
        for (int i = 0; i < FRAMES; i++) {
            byte[] frame = fuzz.next();
            try {
                Frame f = Frame.parse(ByteBuffer.wrap(frame), Wire.DEFAULT_MAX_PAYLOAD);
                if (f.header().has(Wire.FLAG_INDIRECT)) Codec.Indirect.read(f.payload());
                else if (f.header().isReply()) Codec.decodeReply(f.header(), f.payload());
                else Codec.decodeRequest(f.header(), f.payload());
                decoded++;
            } catch (ProtocolException e) {
                if (e.fatal()) fatal++;
                else content++;
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "an error without a message");
            } catch (RuntimeException | Error e) {
                throw new AssertionError("frame " + i + " (seed " + SEED + ") escaped the decoder: " + java.util.HexFormat.of().formatHex(frame), e);
            }
        }
        System.out.printf("decoder fuzz: %d frames, %d decoded, %d content errors, %d fatal%n", FRAMES, decoded, content, fatal);
        assertTrue(fatal > 0 && content > 0 && decoded > 0, "the fuzzer should reach all three outcomes");
    }
}
