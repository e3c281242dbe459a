package io.orion.protocol.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

import io.orion.protocol.ProtocolException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ring over a real file mapped twice, as two processes map it: order and content survive
 * wrap-around and a full ring, parked sides wake, a dead peer is noticed, and impossible positions
 * or lengths written by the other side are refused.
 */
class ShmRingTest {
    private static final long CAP = 64 * 1024;
    private static final Liveness ALIVE = () -> {};

    private Path file;
    private Arena arena;
    private MemorySegment producerMap, consumerMap;

    @BeforeEach
    void map() throws IOException {
        file = Files.createTempFile(Path.of("/dev/shm"), "orion-ring-test", ".shm");
        arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.truncate(0);
            ch.write(ByteBuffer.allocate(1), ShmRing.HEADER_BYTES + CAP - 1);
            producerMap = ch.map(FileChannel.MapMode.READ_WRITE, 0, ShmRing.HEADER_BYTES + CAP, arena);
            consumerMap = ch.map(FileChannel.MapMode.READ_WRITE, 0, ShmRing.HEADER_BYTES + CAP, arena);
        }
        ShmRing.format(producerMap);
    }

    @AfterEach
    void unmap() throws IOException {
        arena.close();
        Files.deleteIfExists(file);
    }

    private static ByteBuffer frame(int seq, int len) {
        ByteBuffer b = ByteBuffer.allocate(len);
        for (int i = 0; i < len; i++) b.put((byte) (seq * 31 + i));
        return b.flip();
    }

    private static void check(ByteBuffer got, int seq, int len) {
        assertEquals(len, got.remaining(), "length of frame " + seq);
        for (int i = 0; i < len; i++) {
            if (got.get(i) != (byte) (seq * 31 + i)) throw new AssertionError("frame " + seq + " differs at byte " + i);
        }
    }

    @Test
    void framesCrossInOrderThroughWrapAroundAndAFullRing() throws Exception {
        int frames = 100_000;
        WaitPolicy wait = new WaitPolicy(20_000, 5_000_000);
        ShmRing prod = new ShmRing("request", producerMap, CAP, Parker.best());
        ShmRing cons = new ShmRing("request", consumerMap, CAP, Parker.best());
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread producer = Thread.ofPlatform().start(() -> {
            SplittableRandom r = new SplittableRandom(7);
            try {
                for (int i = 0; i < frames; i++) {
                    int len = r.nextInt(0, prod.maxFrame() + 1) >> (r.nextInt(12));
                    ByteBuffer f = frame(i, len);
                    int cut = len == 0 ? 0 : r.nextInt(len);
                    prod.write(wait, ALIVE, f.slice(0, cut), f.slice(cut, len - cut));
                }
            } catch (Throwable t) {
                failed.set(t);
            }
        });
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < frames; i++) {
            int len = r.nextInt(0, cons.maxFrame() + 1) >> (r.nextInt(12));
            if (len > 0) r.nextInt(len);
            check(cons.take(wait, ALIVE), i, len);
            cons.release();
        }
        producer.join();
        if (failed.get() != null) throw new AssertionError(failed.get());
        assertNull(cons.poll());
    }

    @Test
    void aParkedConsumerIsWokenByTheProducer() throws Exception {
        ShmRing prod = new ShmRing("reply", producerMap, CAP, Parker.best());
        ShmRing cons = new ShmRing("reply", consumerMap, CAP, Parker.best());
        WaitPolicy parkAtOnce = new WaitPolicy(0, 10_000_000_000L);
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(100);
                prod.write(parkAtOnce, ALIVE, frame(1, 100));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        long t0 = System.nanoTime();
        ByteBuffer got = cons.take(parkAtOnce, ALIVE);
        long waited = System.nanoTime() - t0;
        check(got, 1, 100);
        cons.release();
        writer.join();
        // woken by the write, not by the 10 s park timeout
        assertTrue(waited < 2_000_000_000L, "waited " + waited / 1_000_000 + " ms");
    }

    @Test
    void aDeadPeerEndsAWaitWithinAParkSlice() {
        ShmRing cons = new ShmRing("request", consumerMap, CAP, Parker.best());
        WaitPolicy wait = new WaitPolicy(1_000, 20_000_000);
        long t0 = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> cons.take(wait, () -> {
            if (System.nanoTime() - t0 > 50_000_000) throw new IOException("client process exited");
        }));
        assertEquals("client process exited", e.getMessage());
        assertTrue(System.nanoTime() - t0 < 1_000_000_000L);
    }

    @Test
    void aTailBeyondTheDataIsRefused() {
        ShmRing cons = new ShmRing("request", consumerMap, CAP, Parker.best());
        producerMap.set(ValueLayout.JAVA_LONG, ShmRing.TAIL, CAP + 8);
        ProtocolException e = assertThrows(ProtocolException.class, cons::poll);
        assertTrue(e.fatal());
        assertTrue(e.getMessage().contains("request ring is corrupt"), e.getMessage());
    }

    @Test
    void aRecordLongerThanWhatWasPublishedIsRefused() {
        ShmRing cons = new ShmRing("request", consumerMap, CAP, Parker.best());
        producerMap.set(ValueLayout.JAVA_INT, ShmRing.HEADER_BYTES, 4000);
        producerMap.set(ValueLayout.JAVA_LONG, ShmRing.TAIL, 64);
        assertThrows(ProtocolException.class, cons::poll);
        producerMap.set(ValueLayout.JAVA_INT, ShmRing.HEADER_BYTES, -7);
        assertThrows(ProtocolException.class, cons::poll);
    }

    @Test
    void aHeadThatRunsAheadOfTheTailIsRefusedByTheProducer() throws IOException {
        ShmRing prod = new ShmRing("reply", producerMap, CAP, Parker.best());
        prod.write(WaitPolicy.DEFAULT, ALIVE, frame(0, 10));
        consumerMap.set(ValueLayout.JAVA_LONG, ShmRing.HEAD, 4096);
        assertThrows(ProtocolException.class, () -> prod.write(WaitPolicy.DEFAULT, ALIVE, frame(1, 10)));
    }

    @Test
    void aFrameLargerThanAQuarterOfTheRingIsRefusedByTheWriter() {
        ShmRing prod = new ShmRing("reply", producerMap, CAP, Parker.best());
        assertThrows(IllegalArgumentException.class,
                () -> prod.write(WaitPolicy.DEFAULT, ALIVE, ByteBuffer.allocate(prod.maxFrame() + 1)));
    }

    @Test
    void linuxHasTheFutex() {
        if (System.getProperty("os.name").toLowerCase().contains("linux"))
            assertEquals("futex", Parker.best().name());
    }
}
