package io.orion.store.journal.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.orion.api.store.StateChange;
import io.orion.api.store.StoreException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Torn tails are dropped; damage anywhere else is reported with file and offset, or salvaged on request. */
class CorruptionTest {
    @TempDir Path dir;

    /** Five appends of one change each, so the journal of generation 1 has five frames. */
    private List<StateChange> fiveFrames() throws IOException {
        List<StateChange> changes = Fixtures.everyKind().subList(0, 5);
        try (Journal j = Fixtures.open(dir)) {
            Fixtures.appendEach(j, changes);
        }
        return changes;
    }

    /** Offsets of the frames of a file: header first. */
    private static List<Long> frameOffsets(Path file) throws IOException {
        List<Long> out = new ArrayList<>();
        try (FrameReader r = new FrameReader(file)) {
            for (FrameReader.Next n = r.next(); n instanceof FrameReader.Frame f; n = r.next()) out.add(f.offset());
        }
        return out;
    }

    private static void flip(Path file, long offset) throws IOException {
        byte[] b = Files.readAllBytes(file);
        b[(int) offset] ^= 0x10;
        Files.write(file, b);
    }

    @Test
    void aTornLastRecordIsDroppedAndTheJournalGoesOnCleanly() throws IOException {
        List<StateChange> changes = fiveFrames();
        Path journal = StoreFiles.journal(dir, 1);
        long last = frameOffsets(journal).get(5);
        byte[] whole = Files.readAllBytes(journal);
        Files.write(journal, Arrays.copyOf(whole, (int) (last + (whole.length - last) / 2)));
        try (Journal j = Fixtures.open(dir)) {
            assertEquals(Fixtures.replay(changes.subList(0, 4)), j.load());
            assertEquals(last, Files.size(journal), "the torn bytes are cut off");
            j.append(List.of(changes.get(4))).await();
        }
        try (Journal j = Fixtures.open(dir)) {
            assertEquals(Fixtures.replay(changes), j.load());
        }
    }

    @Test
    void aCorruptMiddleRecordStopsTheStoreNamingFileAndOffset() throws IOException {
        fiveFrames();
        Path journal = StoreFiles.journal(dir, 1);
        long third = frameOffsets(journal).get(3);
        flip(journal, third + Frames.HEADER + 5);
        byte[] before = Files.readAllBytes(journal);
        StoreException e = assertThrows(StoreException.class, () -> Fixtures.open(dir));
        assertTrue(e.getMessage().startsWith(journal + " is corrupt at byte offset " + third + ": checksum mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains("recovery=truncate"), e.getMessage());
        assertTrue(e.getMessage().contains("changes up to 2"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(journal), "a refused open changes nothing");
        Fixtures.open(Settings.of(dir).withTruncateCorrupt(true)).close(); // and the lock was released
    }

    @Test
    void truncateKeepsTheSoundPrefixAndACopyOfTheDamagedFile() throws IOException {
        List<StateChange> changes = fiveFrames();
        Path journal = StoreFiles.journal(dir, 1);
        flip(journal, frameOffsets(journal).get(3) + Frames.HEADER + 5);
        byte[] damaged = Files.readAllBytes(journal);
        try (Journal j = Fixtures.open(Settings.of(dir).withTruncateCorrupt(true))) {
            assertEquals(Fixtures.replay(changes.subList(0, 2)), j.load());
            assertEquals(2, j.generation(), "a repaired store starts a clean generation");
        }
        List<String> copies = Fixtures.names(dir).stream().filter(n -> n.startsWith("0000000001.journal.corrupt-")).toList();
        assertEquals(1, copies.size(), Fixtures.names(dir).toString());
        assertArrayEquals(damaged, Files.readAllBytes(dir.resolve(copies.getFirst())));
        try (Journal j = Fixtures.open(dir)) { // strict again: the directory is sound now
            assertEquals(Fixtures.replay(changes.subList(0, 2)), j.load());
        }
    }

    /** Two generations or more, by a small snapshot threshold. */
    private List<StateChange> severalGenerations(Settings s) throws IOException {
        List<StateChange> changes = Fixtures.random(new Random(5), 400);
        try (Journal j = Fixtures.open(s.withFsync(false))) { // quick: these tests are about reading
            Fixtures.appendEach(j, changes);
            assertTrue(j.generation() >= 3, "generation " + j.generation());
        }
        return changes;
    }

    @Test
    void aCorruptSnapshotIsReportedAndRebuiltFromTheGenerationBefore() throws IOException {
        Settings s = Settings.of(dir).withSnapshotAfter(Settings.MIN_SNAPSHOT_AFTER);
        List<StateChange> changes = severalGenerations(s);
        long g = StoreFiles.list(dir).snapshots().lastKey();
        Path snapshot = StoreFiles.snapshot(dir, g);
        List<Long> offsets = frameOffsets(snapshot);
        long damagedAt = offsets.get(offsets.size() - 1);
        flip(snapshot, damagedAt + Frames.HEADER + 3);

        StoreException e = assertThrows(StoreException.class, () -> Fixtures.open(s));
        assertTrue(e.getMessage().startsWith(snapshot + " is corrupt at byte offset " + damagedAt), e.getMessage());
        assertTrue(e.getMessage().contains("recovery=truncate"), e.getMessage());

        try (Journal j = Fixtures.open(s.withTruncateCorrupt(true))) {
            assertEquals(Fixtures.replay(changes), j.load(), "nothing is lost: generation g-1 holds the same changes");
            assertEquals(g + 1, j.generation());
        }
        assertTrue(Fixtures.names(dir).stream().anyMatch(n -> n.startsWith(snapshot.getFileName() + ".corrupt-")));
        try (Journal j = Fixtures.open(s)) {
            assertEquals(Fixtures.replay(changes), j.load());
        }
    }

    @Test
    void aCorruptSnapshotWithoutAnEarlierGenerationCannotBeRebuilt() throws IOException {
        fiveFrames();
        Path snapshot = StoreFiles.snapshot(dir, 1);
        flip(snapshot, Frames.HEADER + 2);
        StoreException e = assertThrows(StoreException.class, () -> Fixtures.open(Settings.of(dir).withTruncateCorrupt(true)));
        assertTrue(e.getMessage().contains(snapshot + " is corrupt at byte offset 0"), e.getMessage());
        assertTrue(e.getMessage().contains("no generation before it"), e.getMessage());
    }

    @Test
    void aMissingFrameIsCaughtByTheChangeNumbers() throws IOException {
        fiveFrames();
        Path journal = StoreFiles.journal(dir, 1);
        List<Long> offsets = frameOffsets(journal);
        byte[] b = Files.readAllBytes(journal);
        byte[] cut = new byte[b.length - (int) (offsets.get(3) - offsets.get(2))];
        System.arraycopy(b, 0, cut, 0, offsets.get(2).intValue());
        System.arraycopy(b, offsets.get(3).intValue(), cut, offsets.get(2).intValue(), b.length - offsets.get(3).intValue());
        Files.write(journal, cut);
        StoreException e = assertThrows(StoreException.class, () -> Fixtures.open(dir));
        assertTrue(e.getMessage().contains("byte offset " + offsets.get(2) + ": journal frame starts at change 3 but change 2 comes next"),
                e.getMessage());
    }

    @Test
    void aNewerFormatVersionIsRefusedByName() throws IOException {
        fiveFrames();
        Path journal = StoreFiles.journal(dir, 1);
        Frames.Buffer b = new Frames.Buffer(128);
        b.begin();
        b.writeBytes("{\"format\":\"orion-state-journal\",\"version\":99,\"generation\":1,\"firstSeq\":1}"
                .getBytes(StandardCharsets.UTF_8));
        b.end();
        Files.write(journal, b.toByteArray());
        StoreException e = assertThrows(StoreException.class, () -> Fixtures.open(Settings.of(dir).withTruncateCorrupt(true)));
        assertTrue(e.getMessage().contains("format version 99; this Orion reads versions 1 to 1"), e.getMessage());
    }

    @Test
    void aJournalFromAnotherGenerationIsRefused() throws IOException {
        Settings s = Settings.of(dir).withSnapshotAfter(Settings.MIN_SNAPSHOT_AFTER);
        severalGenerations(s);
        long g = StoreFiles.list(dir).snapshots().lastKey();
        Files.copy(StoreFiles.journal(dir, g - 1), StoreFiles.journal(dir, g), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        StoreException e = assertThrows(StoreException.class, () -> Fixtures.open(s));
        assertTrue(e.getMessage().contains("does this file belong to this directory?"), e.getMessage());
    }

    @Test
    void aJournalWithoutItsSnapshotIsRefused() throws IOException {
        fiveFrames();
        Files.delete(StoreFiles.snapshot(dir, 1));
        StoreException e = assertThrows(StoreException.class, () -> Fixtures.open(dir));
        assertTrue(e.getMessage().contains("0000000001.journal has no snapshot"), e.getMessage());
    }
}
