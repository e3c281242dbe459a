package io.orion.store.journal.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.orion.api.pool.Allocation;
import io.orion.api.store.AllocationRecord;
import io.orion.api.store.StateChange;
import io.orion.api.store.StateStore;
import io.orion.api.store.StoreException;
import io.orion.api.store.StoredState;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    @TempDir Path dir;

    private static long frames(Path journal) throws IOException {
        try (var lines = Files.lines(journal)) {
            return lines.count() - 1; // minus the header
        }
    }

    @Test
    void anEmptyDirectoryOpensEmptyWithGenerationOne() throws IOException {
        try (Journal j = Fixtures.open(dir)) {
            assertEquals(StoredState.empty(), j.load());
            assertEquals(1, j.generation());
        }
        assertEquals(List.of("0000000001.journal", "0000000001.snapshot", "lock"), Fixtures.names(dir));
    }

    @Test
    void everyChangeTypeSurvivesAReopen() throws IOException {
        List<StateChange> changes = Fixtures.everyKind();
        try (Journal j = Fixtures.open(dir)) {
            Fixtures.appendEach(j, changes);
            assertEquals(Fixtures.replay(changes), j.load());
        }
        try (Journal j = Fixtures.open(dir)) {
            assertEquals(Fixtures.replay(changes), j.load());
        }
    }

    @Test
    void reopenedStateEqualsTheSharedReplayAcrossManySnapshots() throws IOException {
        List<StateChange> changes = Fixtures.random(new Random(7), 3000);
        List<List<StateChange>> appends = new ArrayList<>();
        Random r = new Random(8);
        for (int i = 0; i < changes.size(); ) {
            int n = Math.min(1 + r.nextInt(5), changes.size() - i);
            appends.add(changes.subList(i, i + n));
            i += n;
        }
        Settings s = Settings.of(dir).withSnapshotAfter(Settings.MIN_SNAPSHOT_AFTER);
        Journal first = Fixtures.open(s);
        try (Journal j = first) {
            // In slices, so that snapshots fall between appends as well as between waits.
            for (int i = 0; i < appends.size(); i += 50) Fixtures.appendAll(j, appends.subList(i, Math.min(i + 50, appends.size())));
            assertEquals(Fixtures.replay(changes), j.load());
        }
        long generation = first.generation(); // after close: the writer has finished any snapshot
        assertTrue(generation > 10, "snapshots were taken: generation " + generation);
        // Only the newest generation and the one before it remain.
        List<String> expected = List.of(
                String.format("%010d.journal", generation - 1), String.format("%010d.snapshot", generation - 1),
                String.format("%010d.journal", generation), String.format("%010d.snapshot", generation), "lock");
        assertEquals(expected, Fixtures.names(dir));
        try (Journal j = Fixtures.open(s)) {
            assertEquals(Fixtures.replay(changes), j.load());
            // and it goes on from there
            j.append(List.of(new StateChange.NodeRemoved("n0"))).await();
        }
        List<StateChange> more = new ArrayList<>(changes);
        more.add(new StateChange.NodeRemoved("n0"));
        try (Journal j = Fixtures.open(s)) {
            assertEquals(Fixtures.replay(more), j.load());
        }
    }

    @Test
    void concurrentCallersAreGroupCommittedAndNothingIsLost() throws Exception {
        int threads = 16;
        int each = 100;
        try (Journal j = Fixtures.open(dir); ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++)
                        j.append(List.of(Fixtures.put(Fixtures.allocation("t" + thread + "-" + i, "n1", 1024)))).await();
                }));
            }
            for (Future<?> f : done) f.get();
            long frames = frames(StoreFiles.journal(dir, j.generation()));
            assertTrue(frames < threads * each, "group commit: " + frames + " frames for " + threads * each + " appends");
        }
        try (Journal j = Fixtures.open(dir)) {
            Set<String> ids = new HashSet<>();
            for (AllocationRecord a : j.load().allocations()) ids.add(a.allocation().id());
            assertEquals(threads * each, ids.size());
            assertEquals(threads * each, j.load().allocations().size());
        }
    }

    @Test
    void theCommitWindowGathersAppendsIntoOneFrame() throws IOException {
        try (Journal j = Fixtures.open(Settings.of(dir).withCommitWindow(Duration.ofMillis(300)))) {
            List<StateStore.Pending> pending = new ArrayList<>();
            for (int i = 0; i < 10; i++) pending.add(j.append(List.of(Fixtures.put(Fixtures.allocation("a" + i, "n1", 1)))));
            pending.forEach(StateStore.Pending::await);
            assertEquals(1, frames(StoreFiles.journal(dir, j.generation())));
        }
    }

    @Test
    void withoutFsyncAppendsStillReachTheFiles() throws IOException {
        List<StateChange> changes = Fixtures.random(new Random(3), 200);
        try (Journal j = Fixtures.open(Settings.of(dir).withFsync(false))) {
            Fixtures.appendEach(j, changes);
        }
        try (Journal j = Fixtures.open(dir)) {
            assertEquals(Fixtures.replay(changes), j.load());
        }
    }

    @Test
    void anEmptyAppendIsDoneAtOnce() throws IOException {
        try (Journal j = Fixtures.open(dir)) {
            j.append(List.of()).await();
            assertEquals(0, frames(StoreFiles.journal(dir, j.generation())));
        }
    }

    @Test
    void aChangeThatCannotBeWrittenFailsOnlyItsOwnAppend() throws IOException {
        AllocationRecord broken = new AllocationRecord(new Allocation("a-null", null, List.of(), "me", Fixtures.T0), Fixtures.T0);
        try (Journal j = Fixtures.open(dir)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> j.append(List.of(Fixtures.put(broken))));
            assertTrue(e.getMessage().contains("a-null"), e.getMessage());
            j.append(List.of(Fixtures.put(Fixtures.allocation("a-ok", "n1", 1)))).await();
            assertEquals(1, j.load().allocations().size());
        }
    }

    @Test
    void aClosedStoreRefusesAppendsNamingItsDirectory() throws IOException {
        Journal j = Fixtures.open(dir);
        j.close();
        StoreException e = assertThrows(StoreException.class, () -> j.append(Fixtures.everyKind()));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("closed"), e.getMessage());
        j.close(); // twice is fine
    }

    @Test
    void aDirectoryIsOpenedByOneStoreAtATime() throws IOException {
        try (Journal j = Fixtures.open(dir)) {
            StoreException e = assertThrows(StoreException.class, () -> Fixtures.open(dir));
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
        }
        Fixtures.open(dir).close(); // free again after close
    }

    @Test
    void closeWritesWhatIsQueued() throws IOException {
        List<StateChange> changes = Fixtures.random(new Random(11), 500);
        try (Journal j = Fixtures.open(Settings.of(dir).withCommitWindow(Duration.ofMillis(1000)))) {
            for (StateChange c : changes) j.append(List.of(c)); // nobody waits
        }
        try (Journal j = Fixtures.open(dir)) {
            assertEquals(Fixtures.replay(changes), j.load());
        }
    }
}
