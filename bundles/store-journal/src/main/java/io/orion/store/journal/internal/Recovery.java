package io.orion.store.journal.internal;

import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import io.orion.api.store.StateReplay;
import io.orion.api.store.StoreException;
import io.orion.api.store.StoredState;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a store directory: reads the newest snapshot and replays its journal, drops a torn final
 * frame, deals with corruption as configured, and finishes any snapshot that a crash interrupted.
 *
 * <p>Every step of the writer's protocol leaves a directory this class reads back to exactly the
 * last durable state: temporary files are never read; a snapshot without its journal gets an
 * empty one; older generations are removed.
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    /**
     * The directory, opened: the newest generation, the next change number, where its journal's
     * sound frames end, the state, and whether a repair was made (the caller then writes a new
     * generation at once so that the repaired files become history).
     */
    record Opened(long generation, long nextSeq, long journalEnd, StateReplay state, boolean repaired) {}

    private final Path dir;
    private final Json json;
    private final boolean truncateCorrupt;
    private final Clock clock;

    Recovery(Path dir, Json json, boolean truncateCorrupt, Clock clock) {
        this.dir = dir;
        this.json = json;
        this.truncateCorrupt = truncateCorrupt;
        this.clock = clock;
    }

    Opened open() throws IOException {
        StoreFiles.Listing files = StoreFiles.list(dir);
        for (Path t : files.temps()) {
            Files.deleteIfExists(t);
            LOG.info("removed {}, left by an interrupted snapshot or journal creation", t);
        }
        if (files.snapshots().isEmpty()) {
            if (!files.journals().isEmpty())
                throw new StoreException(files.journals().firstEntry().getValue() + " has no snapshot "
                        + StoreFiles.snapshot(dir, files.journals().firstKey()) + " to start from, so the state cannot be "
                        + "rebuilt; restore the snapshot from a backup, or move the directory away to start empty");
            return fresh();
        }
        long g = files.snapshots().lastKey();
        Map.Entry<Long, Path> newer = files.journals().higherEntry(g);
        if (newer != null)
            throw new StoreException(newer.getValue() + " is newer than the newest snapshot " + files.snapshots().lastEntry().getValue()
                    + ": the snapshot it follows is missing; restore it from a backup");

        boolean repaired = false;
        StateReplay state;
        long lastSeq;
        Path snapshot = StoreFiles.snapshot(dir, g);
        try {
            SnapshotFile.Loaded s = SnapshotFile.read(json, snapshot, g);
            state = new StateReplay(s.state());
            lastSeq = s.lastSeq();
        } catch (CorruptStateException e) {
            if (!truncateCorrupt)
                throw new StoreException(e.getMessage() + ". The store does not open. With recovery=truncate it rebuilds this "
                        + "snapshot from the generation before it, if that is whole; see docs/state-store.md", e);
            SnapshotFile.Loaded previous = rebuild(g, e);
            state = new StateReplay(previous.state());
            lastSeq = previous.lastSeq();
            Path copy = keepCopy(snapshot);
            LOG.warn("{}; rebuilt the state from generation {} instead (nothing lost); the damaged file is kept as {}",
                    e.getMessage(), g - 1, copy);
            repaired = true;
        }

        Path journal = StoreFiles.journal(dir, g);
        if (!Files.exists(journal)) {
            // A crash came between publishing the snapshot and creating its journal.
            JournalFile.create(json, journal, g, lastSeq + 1, clock.instant(), Faults.NONE);
            LOG.info("created {}, which a crash had left out after its snapshot", journal);
        }
        JournalFile.Replayed r = JournalFile.replay(json, journal, g, lastSeq + 1, state);
        if (r.corrupt() != null) {
            CorruptStateException c = r.corrupt();
            long dropped = Files.size(journal) - r.goodEnd();
            if (!truncateCorrupt)
                throw new StoreException(c.getMessage() + ". The store does not open. Sound frames before it: " + r.frames() + " (changes up to "
                        + (r.nextSeq() - 1) + "); recovery=truncate keeps those and drops the " + dropped
                        + " bytes from offset " + c.offset() + " on; see docs/state-store.md", c);
            Path copy = keepCopy(journal);
            truncate(journal, r.goodEnd());
            LOG.warn("{}; kept the changes up to {} and dropped the {} bytes from offset {} on (recovery=truncate); "
                    + "the damaged file is kept as {}", c.getMessage(), r.nextSeq() - 1, dropped, c.offset(), copy);
            repaired = true;
        } else if (r.torn() != null) {
            FrameReader.Torn t = r.torn();
            truncate(journal, r.goodEnd());
            LOG.warn("{}: dropped a torn final frame at byte offset {} ({} bytes: {}), a write a crash cut short, "
                    + "never reported durable", journal, t.offset(), t.length(), t.why());
        }
        retireBefore(files, g - 1);
        return new Opened(g, r.nextSeq(), r.goodEnd(), state, repaired);
    }

    /** An empty directory: generation 1, an empty snapshot and an empty journal. */
    private Opened fresh() throws IOException {
        Path temp = StoreFiles.temp(StoreFiles.snapshot(dir, 1));
        SnapshotFile.writeTemp(json, temp, 1, 0, StoredState.empty(), clock.instant());
        StoreFiles.publish(temp, StoreFiles.snapshot(dir, 1));
        Path journal = StoreFiles.journal(dir, 1);
        JournalFile.create(json, journal, 1, 1, clock.instant(), Faults.NONE);
        LOG.info("new state store in {}", dir);
        return new Opened(1, 1, Files.size(journal), new StateReplay(StoredState.empty()), false);
    }

    /** The state snapshot {@code g} held, from snapshot {@code g-1} and the whole journal {@code g-1}. */
    private SnapshotFile.Loaded rebuild(long g, CorruptStateException damaged) throws IOException {
        Path prevSnapshot = StoreFiles.snapshot(dir, g - 1);
        Path prevJournal = StoreFiles.journal(dir, g - 1);
        if (g < 2 || !Files.exists(prevSnapshot) || !Files.exists(prevJournal))
            throw new StoreException(damaged.getMessage() + ". There is no generation before it (" + prevSnapshot.getFileName()
                    + " and " + prevJournal.getFileName() + ") to rebuild it from; restore the directory from a backup", damaged);
        try {
            SnapshotFile.Loaded prev = SnapshotFile.read(json, prevSnapshot, g - 1);
            StateReplay replay = new StateReplay(prev.state());
            JournalFile.Replayed r = JournalFile.replay(json, prevJournal, g - 1, prev.lastSeq() + 1, replay);
            if (r.corrupt() != null) throw r.corrupt();
            if (r.torn() != null)
                throw new CorruptStateException(prevJournal, r.torn().offset(), "a closed journal ends torn: " + r.torn().why());
            return new SnapshotFile.Loaded(r.nextSeq() - 1, replay.state());
        } catch (CorruptStateException e) {
            throw new StoreException(damaged.getMessage() + ". The generation before it cannot replace it either: "
                    + e.getMessage() + "; restore the directory from a backup", damaged);
        }
    }

    /** Copies a damaged file next to it under a name the store never reads, for the operator. */
    private Path keepCopy(Path file) throws IOException {
        Path copy = file.resolveSibling(file.getFileName() + ".corrupt-" + STAMP.format(clock.instant()));
        Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
        try (FileChannel c = FileChannel.open(copy, WRITE)) {
            c.force(true);
        }
        return copy;
    }

    private static void truncate(Path file, long length) throws IOException {
        try (FileChannel c = FileChannel.open(file, WRITE)) {
            c.truncate(length);
            c.force(true);
        }
    }

    /** Removes generations older than {@code keepFrom}, which an interrupted clean-up left. */
    private void retireBefore(StoreFiles.Listing files, long keepFrom) throws IOException {
        boolean removed = false;
        for (Path p : files.snapshots().headMap(keepFrom, false).values()) removed |= Files.deleteIfExists(p);
        for (Path p : files.journals().headMap(keepFrom, false).values()) removed |= Files.deleteIfExists(p);
        if (removed) StoreFiles.syncDirectory(dir);
    }
}
