package io.orion.backend.host.internal.fatbin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The Zstandard decoder against frames the reference zstd tool wrote (src/test/resources/zstd,
 * see make-vectors.sh): levels 1 to 22, with and without checksum, two frames in a row; and
 * against damaged frames, which must be refused with a CorruptDataException, never anything worse.
 */
class ZstdDecoderTest {

    static byte[] resource(String name) {
        try (InputStream in = ZstdDecoderTest.class.getResourceAsStream("/zstd/" + name)) {
            if (in == null) throw new IllegalStateException("missing test vector " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    @ParameterizedTest
    @ValueSource(strings = {"level1.zst", "level19.zst", "ultra22.zst", "nocheck.zst"})
    void decodesWhatTheReferenceEncoderWrote(String vector) throws Exception {
        byte[] frame = resource(vector);
        byte[] out = ZstdDecoder.decompress(frame, 0, frame.length, 1 << 24);
        assertEquals(160_000, out.length, 160_000 - out.length + 100_000, "size");
        assertEquals(new String(resource("input.sha256"), StandardCharsets.US_ASCII).trim(), sha256(out));
    }

    /** The targeted corpus (make-corpus.sh): every vector decodes to content with the recorded digest and size. */
    @Test
    void decodesTheTargetedCorpus() throws Exception {
        String index = new String(resource("corpus.txt"), StandardCharsets.US_ASCII);
        int vectors = 0;
        for (String line : index.strip().split("\n")) {
            String[] f = line.split(" ");
            byte[] frame = resource("corpus/" + f[0]);
            byte[] out = ZstdDecoder.decompress(frame, 0, frame.length, 1 << 24);
            assertEquals(Integer.parseInt(f[2]), out.length, f[0]);
            assertEquals(f[1], sha256(out), f[0]);
            vectors++;
        }
        assertEquals(14, vectors);
    }

    @Test
    void decodesFramesOneAfterTheOtherAndSkipsSkippableFrames() throws Exception {
        byte[] two = resource("two-frames.zst");
        byte[] skippable = {0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9};
        byte[] all = new byte[skippable.length + two.length];
        System.arraycopy(skippable, 0, all, 0, skippable.length);
        System.arraycopy(two, 0, all, skippable.length, two.length);
        byte[] out = ZstdDecoder.decompress(all, 0, all.length, 1 << 24);
        assertEquals(0, out.length % 2);
        byte[] first = java.util.Arrays.copyOf(out, out.length / 2);
        byte[] second = java.util.Arrays.copyOfRange(out, out.length / 2, out.length);
        assertArrayEquals(first, second);
        assertEquals(new String(resource("input.sha256"), StandardCharsets.US_ASCII).trim(), sha256(first));
    }

    /**
     * A frame assembled by hand from RFC 8878: RLE literals ("aaaa") and one sequence whose three
     * tables are RLE (literal length 4, match length 6, offset 1): ten 'a's.
     */
    @Test
    void rleLiteralsAndRleSequenceTables() {
        byte[] frame = {
            0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, // magic
            0x20, 10, // single segment, content size 10
            0x45, 0, 0, // last block, compressed, 8 bytes
            0x21, 'a', // literals: RLE, 4 bytes of 'a'
            1, 0x54, // one sequence; literal length, offset and match length tables all RLE
            4, 2, 3, // their symbols: LL code 4 (4), OF code 2 (offset value 4 + 2 extra bits), ML code 3 (6)
            0x04, // the bit stream: the offset's two extra bits (0) under the end marker
        };
        assertArrayEquals("aaaaaaaaaa".getBytes(StandardCharsets.US_ASCII), ZstdDecoder.decompress(frame, 0, frame.length, 100));
    }

    @Test
    void aWrongChecksumIsDetected() {
        byte[] frame = resource("level1.zst");
        frame[frame.length - 1] ^= 1; // the checksum's last byte
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> ZstdDecoder.decompress(frame, 0, frame.length, 1 << 24));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void theOutputLimitIsEnforced() {
        byte[] frame = resource("level19.zst");
        assertThrows(CorruptDataException.class, () -> ZstdDecoder.decompress(frame, 0, frame.length, 1000));
    }

    @Test
    void damagedFramesAreRefusedCleanly() {
        Random random = new Random();
        byte[] original = resource("level19.zst");
        int refused = 0;
        for (int round = 0; round < 300; round++) {
            byte[] damaged = original.clone();
            int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips; i++) damaged[random.nextInt(Math.min(damaged.length, 2000))] ^= (byte) (1 << random.nextInt(8));
            int length = random.nextInt(5) == 0 ? random.nextInt(damaged.length) : damaged.length;
            try {
                ZstdDecoder.decompress(damaged, 0, length, 1 << 22);
            } catch (CorruptDataException expected) {
                refused++;
            }
        }
        assertTrue(refused > 250, "most damaged frames must be detected (checksum, sizes, stream ends): " + refused);
    }

    @Test
    void notAFrameIsRefused() {
        byte[] text = "not zstandard".getBytes(StandardCharsets.US_ASCII);
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> ZstdDecoder.decompress(text, 0, text.length, 100));
        assertTrue(e.getMessage().contains("not a Zstandard frame"), e.getMessage());
    }
}
