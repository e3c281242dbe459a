package io.orion.store.journal.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.orion.api.pool.NodeState;
import io.orion.api.store.NodeRecord;
import io.orion.api.store.StateChange;
import io.orion.api.store.StoreException;
import io.orion.api.store.StoredState;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash at any moment leaves files that open to the last durable state: the journal cut at
 * every byte offset, and the directory as it is at every step of writing a snapshot and starting
 * the next generation (copied at that step, as a SIGKILL would leave it), or with that step failing.
 */
class CrashWindowTest {
    @TempDir Path tmp;

    private static final List<String> STEPS = List.of("snapshot-temp-written", "snapshot-published",
            "journal-temp-written", "journal-published", "switched", "retired");

    private static void cut(Path file, long length) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.truncate(length);
        }
    }

    @Test
    void aJournalCutAtEveryByteOffsetOpensToItsWholeFrames() throws IOException {
        Path dir = tmp.resolve("store");
        // Small frames, so that every offset is a few hundred opens.
        List<StateChange> changes = List.of(
                new StateChange.NodePut(new NodeRecord("n0", "a", Map.of("tcp", "a:1"), List.of(), NodeState.UP)),
                new StateChange.NodeStateChanged("n0", NodeState.DRAINING),
                new StateChange.NodePut(new NodeRecord("n1", "b", Map.of(), List.of(), NodeState.UP)),
                new StateChange.NodeStateChanged("n0", NodeState.DOWN),
                new StateChange.NodeRemoved("n1"));
        try (Journal j = Fixtures.open(dir)) {
            Fixtures.appendEach(j, changes);
        }
        Path journal = StoreFiles.journal(dir, 1);
        List<Long> ends = new ArrayList<>(); // where each frame ends, header first
        try (FrameReader r = new FrameReader(journal)) {
            for (FrameReader.Next n = r.next(); n instanceof FrameReader.Frame f; n = r.next()) ends.add(JournalFile.end(f));
        }
        assertEquals(changes.size() + 1, ends.size());
        long size = Files.size(journal);
        for (long at = ends.getFirst(); at <= size; at++) {
            Path image = tmp.resolve("cut-" + at);
            Fixtures.copyDir(dir, image);
            cut(StoreFiles.journal(image, 1), at);
            long whole = at;
            int frames = (int) ends.stream().skip(1).filter(e -> e <= whole).count();
            try (Journal j = Fixtures.open(image)) {
                assertEquals(Fixtures.replay(changes.subList(0, frames)), j.load(), "journal cut at " + at);
                assertEquals(ends.get(frames), Files.size(StoreFiles.journal(image, 1)), "torn bytes removed, cut at " + at);
                if (at % 97 == 0 || at == size - 1) {
                    j.append(List.of(new StateChange.NodeRemoved("n0"))).await(); // and it goes on cleanly
                }
            }
        }
    }

    /** Runs a store that snapshots often, copying the directory at every step of its first snapshots. */
    @Test
    void everyStepOfASnapshotOpensToTheDurableState() throws IOException {
        Path dir = tmp.resolve("store");
        AtomicReference<Journal> store = new AtomicReference<>();
        Map<Path, StoredState> images = new LinkedHashMap<>();
        AtomicInteger snapshots = new AtomicInteger();
        Faults copyAtEachStep = step -> {
            Journal j = store.get();
            if (j == null || snapshots.get() >= 3) return;
            if (step.equals("retired")) snapshots.incrementAndGet();
            Path image = tmp.resolve("image-" + images.size() + "-" + step);
            Fixtures.copyDir(dir, image);
            images.put(image, j.load());
        };
        List<StateChange> changes = Fixtures.random(new Random(21), 150);
        Settings s = Settings.of(dir).withSnapshotAfter(Settings.MIN_SNAPSHOT_AFTER);
        try (Journal j = Journal.open(s, copyAtEachStep, Clock.systemUTC())) {
            store.set(j);
            Fixtures.appendEach(j, changes);
            assertTrue(j.generation() > 4, "generation " + j.generation());
        }
        List<String> seen = images.keySet().stream().map(p -> p.getFileName().toString().replaceFirst("image-\\d+-", "")).distinct().toList();
        assertEquals(STEPS, seen);
        assertEquals(3 * STEPS.size(), images.size());

        for (Map.Entry<Path, StoredState> image : images.entrySet()) {
            Path d = image.getKey();
            try (Journal j = Fixtures.open(d)) {
                assertEquals(image.getValue(), j.load(), "crash image " + d.getFileName());
            }
            List<String> names = Fixtures.names(d);
            assertFalse(names.stream().anyMatch(n -> n.endsWith(".tmp")), "temporary files removed: " + names);
        }
    }

    @Test
    void aTemporaryFileCutAnywhereIsIgnored() throws IOException {
        Path dir = tmp.resolve("store");
        AtomicReference<Journal> store = new AtomicReference<>();
        Map<String, Path> images = new LinkedHashMap<>();
        Map<String, StoredState> expected = new LinkedHashMap<>();
        Faults copy = step -> {
            if (store.get() == null || images.containsKey(step) || !step.endsWith("temp-written")) return;
            Path image = tmp.resolve("image-" + step);
            Fixtures.copyDir(dir, image);
            images.put(step, image);
            expected.put(step, store.get().load());
        };
        try (Journal j = Journal.open(Settings.of(dir).withSnapshotAfter(Settings.MIN_SNAPSHOT_AFTER), copy, Clock.systemUTC())) {
            store.set(j);
            Fixtures.appendEach(j, Fixtures.random(new Random(4), 60));
        }
        assertEquals(2, images.size());
        for (String step : images.keySet()) {
            Path image = images.get(step);
            Path temp;
            try (var files = Files.list(image)) {
                temp = files.filter(f -> f.toString().endsWith(".tmp")).findFirst().orElseThrow();
            }
            long size = Files.size(temp);
            for (long at : new long[] {0, 1, Frames.HEADER, size / 2, size - 1, size}) {
                Path d = tmp.resolve("cut-" + step + "-" + at);
                Fixtures.copyDir(image, d);
                cut(d.resolve(temp.getFileName()), at);
                try (Journal j = Fixtures.open(d)) {
                    assertEquals(expected.get(step), j.load(), step + ", temporary file cut at " + at);
                }
            }
        }
    }

    @Test
    void aSnapshotThatFailsBeforeItIsPublishedLeavesTheStoreWriting() throws IOException {
        Path dir = tmp.resolve("store");
        Faults failOnce = new Faults() {
            boolean failed;
            @Override public void at(String step) throws IOException {
                if (!failed && step.equals("snapshot-temp-written")) {
                    failed = true;
                    throw new IOException("disk full (injected)");
                }
            }
        };
        List<StateChange> changes = Fixtures.random(new Random(9), 300);
        Settings s = Settings.of(dir).withSnapshotAfter(Settings.MIN_SNAPSHOT_AFTER).withFsync(false); // quick: not about syncing
        try (Journal j = Journal.open(s, failOnce, Clock.systemUTC())) {
            Fixtures.appendEach(j, changes);
            assertTrue(j.generation() >= 2, "a later snapshot succeeded: generation " + j.generation());
        }
        assertFalse(Fixtures.names(dir).stream().anyMatch(n -> n.endsWith(".tmp")), Fixtures.names(dir).toString());
        try (Journal j = Fixtures.open(dir)) {
            assertEquals(Fixtures.replay(changes), j.load());
        }
    }

    @Test
    void aFailureAfterTheSnapshotIsPublishedStopsWritesAndLosesNothing() throws IOException {
        for (String step : List.of("snapshot-published", "journal-temp-written", "journal-published")) {
            Path dir = tmp.resolve("store-" + step);
            Faults fail = at -> {
                if (at.equals(step)) throw new IOException("I/O error (injected at " + step + ")");
            };
            List<StateChange> acknowledged = new ArrayList<>();
            StoreException refused = null;
            try (Journal j = Journal.open(Settings.of(dir).withSnapshotAfter(Settings.MIN_SNAPSHOT_AFTER), fail, Clock.systemUTC())) {
                for (StateChange c : Fixtures.random(new Random(13), 500)) {
                    try {
                        j.append(List.of(c)).await();
                        acknowledged.add(c);
                    } catch (StoreException e) {
                        refused = e;
                        break;
                    }
                }
            }
            assertTrue(refused != null, step + ": writes stop");
            assertTrue(refused.getMessage().contains("could not start generation 2") && refused.getMessage().contains(step),
                    refused.getMessage());
            try (Journal j = Fixtures.open(dir)) {
                assertEquals(Fixtures.replay(acknowledged), j.load(), step);
            }
        }
    }

    @Test
    void afterAWriteFailureEveryLaterAppendIsRefused() throws IOException {
        Path dir = tmp.resolve("store");
        try (Journal j = Journal.open(Settings.of(dir).withSnapshotAfter(Settings.MIN_SNAPSHOT_AFTER),
                at -> { if (at.equals("snapshot-published")) throw new IOException("injected"); }, Clock.systemUTC())) {
            assertThrows(StoreException.class, () -> Fixtures.appendEach(j, Fixtures.random(new Random(2), 500)));
            StoreException e = assertThrows(StoreException.class, () -> j.append(Fixtures.everyKind()));
            assertTrue(e.getMessage().contains("refuses writes since an earlier failure"), e.getMessage());
        }
    }
}
