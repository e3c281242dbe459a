package io.orion.store.journal.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameReaderTest {
    @TempDir Path tmp;

    private static final List<String> PAYLOADS = List.of("{\"a\":1}", "{\"b\":\"two\"}", "{\"c\":[3,3,3]}");

    private static byte[] frames(List<String> payloads) {
        Frames.Buffer b = new Frames.Buffer(64);
        for (String p : payloads) {
            b.begin();
            b.writeBytes(p.getBytes(StandardCharsets.UTF_8));
            b.end();
        }
        return b.toByteArray();
    }

    /** Reads all frames, then the terminal result. */
    private List<FrameReader.Next> read(byte[] content) throws IOException {
        Path f = tmp.resolve("f" + System.nanoTime());
        Files.write(f, content);
        List<FrameReader.Next> out = new ArrayList<>();
        try (FrameReader r = new FrameReader(f)) {
            FrameReader.Next n;
            do {
                n = r.next();
                out.add(n);
            } while (n instanceof FrameReader.Frame);
        }
        return out;
    }

    private static long offsetOf(byte[] content, int frame) {
        long off = 0;
        for (int l = 0; l < frame; l++) while (content[(int) off++] != '\n') { /* skip line */ }
        return off;
    }

    @Test
    void frameLayoutIsLengthChecksumPayload() {
        String line = new String(frames(List.of("{\"a\":1}")), StandardCharsets.US_ASCII);
        assertEquals(String.format("%08x %08x {\"a\":1}\n", 7, Frames.crc("{\"a\":1}".getBytes(StandardCharsets.US_ASCII), 0, 7)), line);
    }

    @Test
    void soundFramesReadBackInOrder() throws IOException {
        byte[] content = frames(PAYLOADS);
        List<FrameReader.Next> r = read(content);
        assertEquals(4, r.size());
        for (int i = 0; i < 3; i++) {
            FrameReader.Frame f = assertInstanceOf(FrameReader.Frame.class, r.get(i));
            assertArrayEquals(PAYLOADS.get(i).getBytes(StandardCharsets.UTF_8), f.payload());
            assertEquals(offsetOf(content, i), f.offset());
        }
        assertEquals(new FrameReader.End(content.length), r.get(3));
    }

    @Test
    void everyCutOfTheLastFrameIsATornTail() throws IOException {
        byte[] content = frames(PAYLOADS);
        long lastStart = offsetOf(content, 2);
        for (int cut = (int) lastStart + 1; cut < content.length; cut++) {
            List<FrameReader.Next> r = read(Arrays.copyOf(content, cut));
            assertEquals(3, r.size(), "cut at " + cut);
            FrameReader.Torn t = assertInstanceOf(FrameReader.Torn.class, r.get(2), "cut at " + cut);
            assertEquals(lastStart, t.offset());
            assertEquals(cut - lastStart, t.length());
        }
        assertEquals(new FrameReader.End(lastStart), read(Arrays.copyOf(content, (int) lastStart)).get(2));
    }

    @Test
    void zeroFilledTailIsTorn() throws IOException {
        byte[] content = frames(PAYLOADS);
        byte[] withZeros = Arrays.copyOf(content, content.length + 4096);
        List<FrameReader.Next> r = read(withZeros);
        assertEquals(new FrameReader.Torn(content.length, 4096, "last 4096 bytes are a frame without its newline"), r.get(3));
    }

    @Test
    void everyByteFlipInAMiddleFrameIsCorruptionAtThatFrame() throws IOException {
        byte[] content = frames(PAYLOADS);
        long start = offsetOf(content, 1);
        long end = offsetOf(content, 2);
        for (long i = start; i < end; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] damaged = content.clone();
                damaged[(int) i] ^= (byte) (1 << bit);
                List<FrameReader.Next> r = read(damaged);
                assertInstanceOf(FrameReader.Frame.class, r.get(0));
                FrameReader.Next bad = r.get(1);
                // A flip that makes a newline inside the frame splits it: still corruption at this frame.
                FrameReader.Corrupt c = assertInstanceOf(FrameReader.Corrupt.class, bad, "flip of bit " + bit + " at " + i);
                assertEquals(start, c.offset(), "flip of bit " + bit + " at " + i);
            }
        }
    }

    @Test
    void aRottenNewlineBeforeTheLastFrameIsCorruptionNotATear() throws IOException {
        byte[] content = frames(PAYLOADS);
        byte[] damaged = content.clone();
        damaged[(int) offsetOf(content, 2) - 1] = ' ';
        List<FrameReader.Next> r = read(damaged);
        FrameReader.Corrupt c = assertInstanceOf(FrameReader.Corrupt.class, r.get(1));
        assertEquals(offsetOf(content, 1), c.offset());
        assertTrue(c.why().contains("stray bytes"), c.why());
    }

    @Test
    void aDamagedLastFrameReadsAsTorn() throws IOException {
        // Indistinguishable from a write cut short; the store drops it with a warning (docs/state-store.md).
        byte[] content = frames(PAYLOADS);
        byte[] damaged = content.clone();
        damaged[content.length - 3] ^= 0x01;
        FrameReader.Torn t = assertInstanceOf(FrameReader.Torn.class, read(damaged).get(2));
        assertTrue(t.why().contains("checksum mismatch"), t.why());
    }

    @Test
    void framesLargerThanTheReadBufferAreWhole() throws IOException {
        String big = "{\"x\":\"" + "y".repeat(300_000) + "\"}";
        List<FrameReader.Next> r = read(frames(List.of(big, "{}")));
        assertEquals(big, new String(assertInstanceOf(FrameReader.Frame.class, r.get(0)).payload(), StandardCharsets.UTF_8));
        assertInstanceOf(FrameReader.Frame.class, r.get(1));
        assertInstanceOf(FrameReader.End.class, r.get(2));
    }
}
