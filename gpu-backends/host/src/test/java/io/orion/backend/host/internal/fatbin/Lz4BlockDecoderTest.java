package io.orion.backend.host.internal.fatbin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** LZ4 blocks, written by hand from the block format: literals, overlapping matches, long lengths. */
class Lz4BlockDecoderTest {

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) b[i] = (byte) values[i];
        return b;
    }

    @Test
    void literalsOnly() {
        byte[] block = bytes(0x50, 'h', 'e', 'l', 'l', 'o');
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), Lz4BlockDecoder.decompress(block, 0, block.length, 5));
    }

    @Test
    void anOverlappingMatchRepeatsTheLastBytes() {
        // "ab", then a match of 4+4 = 8 bytes at distance 2, then the final literal "!".
        byte[] block = bytes(0x24, 'a', 'b', 2, 0, 0x10, '!');
        assertArrayEquals("ababababab!".getBytes(StandardCharsets.US_ASCII), Lz4BlockDecoder.decompress(block, 0, block.length, 11));
    }

    @Test
    void lengthsBeyondFifteenContinueInExtraBytes() {
        // 15 + 1 = 16 literals, a match of 15 + 255 + 1 + 4 = 275 bytes at distance 16, an empty last sequence.
        byte[] block = new byte[2 + 16 + 2 + 2 + 1];
        int p = 0;
        block[p++] = (byte) 0xff;
        block[p++] = 1;
        for (int i = 0; i < 16; i++) block[p++] = (byte) ('a' + i);
        block[p++] = 16;
        block[p++] = 0;
        block[p++] = (byte) 255;
        block[p++] = 1;
        block[p++] = 0;
        byte[] out = Lz4BlockDecoder.decompress(block, 0, p, 16 + 275);
        byte[] expected = new byte[16 + 275];
        for (int i = 0; i < expected.length; i++) expected[i] = (byte) ('a' + i % 16);
        assertArrayEquals(expected, out);
    }

    @Test
    void badOffsetsAndSizesAreRefused() {
        assertThrows(CorruptDataException.class, () -> Lz4BlockDecoder.decompress(bytes(0x14, 'a', 5, 0), 0, 4, 10));
        assertThrows(CorruptDataException.class, () -> Lz4BlockDecoder.decompress(bytes(0x50, 'a', 'b'), 0, 3, 5));
        assertThrows(CorruptDataException.class, () -> Lz4BlockDecoder.decompress(bytes(0x10, 'a'), 0, 2, 3));
    }
}
