package io.orion.store.journal.internal;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.orion.api.store.StateChange;
import io.orion.api.store.StateReplay;
import io.orion.api.store.StateStore;
import io.orion.api.store.StoreException;
import io.orion.api.store.StoredState;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open store: appends are queued in order and one writer thread writes them in batches, one
 * fsync per batch (group commit); when the journal is large it writes a snapshot and starts the
 * next generation.
 *
 * <p>The writer keeps its own copy of the state, the replay of every durable change, so that a
 * snapshot never needs the controller and holds exactly what the journal it replaces held.
 */
final class Journal implements StateStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    /** Appends per frame at most, so that one frame stays a reasonable line. */
    private static final int MAX_APPENDS_PER_FRAME = 4096;
    private static final StateStore.Pending DONE = () -> {};

    private final Settings settings;
    private final Path dir;
    private final Json json = new Json();
    private final Faults faults;
    private final Clock clock;
    /** Open for as long as the store is: its lock keeps other processes out of the directory. */
    private final FileChannel lockFile;

    // Owned by the writer thread (and by open() before the thread starts).
    private FileChannel out;
    /** Volatile as others read it (logs, tests); only the writer changes it. */
    private volatile long generation;
    private long size;
    private long appliedSeq;
    private long snapshotRetryAt;
    /** Counters for the close log line and the benchmark; written by the writer only. */
    private volatile long syncs;
    private volatile long appendsWritten;
    /** The state after every durable change; guarded by itself because load() reads it. */
    private final StateReplay state;

    // Shared between appenders and the writer, guarded by lock.
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private Batch open;
    private long nextSeq;
    private boolean closing;
    private StoreException failure;

    private final Thread writer;

    private Journal(Settings settings, Faults faults, Clock clock, FileChannel lockFile, Recovery.Opened opened)
            throws IOException {
        this.settings = settings;
        this.dir = settings.directory();
        this.faults = faults;
        this.clock = clock;
        this.lockFile = lockFile;
        this.generation = opened.generation();
        this.state = opened.state();
        this.nextSeq = opened.nextSeq();
        this.appliedSeq = opened.nextSeq() - 1;
        this.open = new Batch(nextSeq);
        this.out = FileChannel.open(StoreFiles.journal(dir, generation), WRITE);
        try {
            this.out.position(opened.journalEnd());
        } catch (IOException e) {
            out.close();
            throw e;
        }
        this.size = opened.journalEnd();
        this.writer = Thread.ofPlatform().name("orion-journal-writer").daemon().unstarted(this::writeLoop);
    }

    /** Locks the directory, recovers its state and starts the writer. */
    static Journal open(Settings settings, Faults faults, Clock clock) throws IOException {
        Path dir = settings.directory();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StoreException("cannot create the state directory " + dir + ": " + e, e);
        }
        FileChannel lockFile = FileChannel.open(dir.resolve(StoreFiles.LOCK), CREATE, WRITE);
        Journal j = null;
        try {
            FileLock dirLock;
            try {
                dirLock = lockFile.tryLock();
            } catch (OverlappingFileLockException e) {
                throw new StoreException("the state directory " + dir + " is already open in this process");
            }
            if (dirLock == null)
                throw new StoreException("the state directory " + dir + " is in use by another process (it holds the lock on "
                        + dir.resolve(StoreFiles.LOCK) + ")");
            Recovery.Opened opened = new Recovery(dir, new Json(), settings.truncateCorrupt(), clock).open();
            j = new Journal(settings, faults, clock, lockFile, opened);
            // A repaired directory gets a clean generation at once, so that the repair becomes history.
            if (opened.repaired() || j.size >= settings.snapshotAfterBytes()) j.snapshot();
            j.writer.start();
            return j;
        } catch (IOException | RuntimeException e) {
            if (j != null && j.out != null) j.out.close();
            lockFile.close(); // releases the lock
            throw e;
        }
    }

    Path directory() { return dir; }

    /** Batches written (each one write and, with fsync on, one sync) since open. */
    long syncs() { return syncs; }

    /** Appends written since open. */
    long appendsWritten() { return appendsWritten; }

    long generation() { return generation; }

    /** The state after the last durable change. */
    @Override
    public StoredState load() {
        synchronized (state) {
            return state.state();
        }
    }

    /** Queues the changes after every earlier append; the returned pending completes once they are durable. */
    @Override
    public StateStore.Pending append(List<StateChange> changes) {
        if (changes.isEmpty()) {
            checkWritable();
            return DONE;
        }
        List<StateChange> copy = List.copyOf(changes);
        byte[] encoded;
        try {
            encoded = json.encodeChanges(copy);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot store " + copy + ": " + e, e);
        }
        lock.lock();
        try {
            checkWritable();
            Batch b = open;
            if (b.appends.isEmpty()) {
                b.firstAppendNanos = System.nanoTime();
                work.signal();
            }
            b.appends.add(encoded);
            b.changes.add(copy);
            nextSeq += copy.size();
            return b::await;
        } finally {
            lock.unlock();
        }
    }

    private void checkWritable() {
        lock.lock();
        try {
            if (failure != null)
                throw new StoreException("the state store in " + dir + " refuses writes since an earlier failure: "
                        + failure.getMessage(), failure);
            if (closing) throw new StoreException("the state store in " + dir + " is closed");
        } finally {
            lock.unlock();
        }
    }

    /** Stops taking appends, writes what is queued, and releases the directory. */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true; // finish closing first: the directory lock must not leak
            }
        }
        try {
            out.close();
            lockFile.close();
        } catch (IOException e) {
            LOG.warn("closing the state store in {}: {}", dir, e.toString());
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    // ---- the writer --------------------------------------------------------------------------

    private void writeLoop() {
        Frames.Buffer buffer = new Frames.Buffer(1 << 16);
        while (true) {
            Batch b = nextBatch();
            if (b == null) return;
            try {
                write(b, buffer);
            } catch (IOException | RuntimeException e) {
                fail(b, new StoreException("could not write " + StoreFiles.journal(dir, generation) + " at byte offset " + size
                        + ": " + e, e));
                return;
            }
            b.done.complete(null);
            if (size >= settings.snapshotAfterBytes() && size >= snapshotRetryAt && !snapshotOrFail()) return;
        }
    }

    /** Waits for appends (and the commit window) and takes them; null once closing and drained. */
    private Batch nextBatch() {
        lock.lock();
        try {
            while (open.appends.isEmpty() && !closing) work.awaitUninterruptibly();
            if (open.appends.isEmpty()) return null;
            long window = settings.commitWindow().toNanos();
            if (window > 0) {
                long wait;
                while (!closing && (wait = open.firstAppendNanos + window - System.nanoTime()) > 0) {
                    try {
                        work.awaitNanos(wait);
                    } catch (InterruptedException e) {
                        break; // nobody interrupts the writer; if someone does, write now
                    }
                }
            }
            Batch b = open;
            open = new Batch(nextSeq);
            return b;
        } finally {
            lock.unlock();
        }
    }

    private void write(Batch b, Frames.Buffer buffer) throws IOException {
        buffer.reset();
        long seq = b.firstSeq;
        for (int from = 0; from < b.appends.size(); from += MAX_APPENDS_PER_FRAME) {
            int to = Math.min(from + MAX_APPENDS_PER_FRAME, b.appends.size());
            JournalFile.frame(buffer, seq, b.appends.subList(from, to));
            for (int i = from; i < to; i++) seq += b.changes.get(i).size();
        }
        JournalFile.writeFully(out, buffer.array(), buffer.size());
        size += buffer.size();
        if (settings.fsync()) out.force(false);
        syncs++;
        appendsWritten += b.appends.size();
        synchronized (state) {
            for (List<StateChange> c : b.changes) state.applyAll(c);
        }
        appliedSeq = seq - 1;
    }

    /** A snapshot from the writer thread; false (after failing the store) when it must stop. */
    private boolean snapshotOrFail() {
        try {
            snapshot();
            return true;
        } catch (SwitchFailed e) {
            fail(null, new StoreException("could not start generation " + (generation + 1) + " in " + dir + ": " + e.getCause(),
                    e.getCause()));
            return false;
        } catch (IOException | RuntimeException e) {
            snapshotRetryAt = size + settings.snapshotAfterBytes();
            LOG.error("could not write a snapshot in {}: {}; the journal keeps growing, next attempt after {} more bytes",
                    dir, e.toString(), settings.snapshotAfterBytes());
            return true;
        }
    }

    /**
     * Writes the state as snapshot {@code G+1}, starts journal {@code G+1}, and removes generation
     * {@code G-1}. A failure before the snapshot is published changes nothing (the temporary file
     * is ignored and later removed); once it is published the store must not append to journal
     * {@code G} any more, so a failure from there on is a {@link SwitchFailed}.
     */
    private void snapshot() throws IOException {
        long next = generation + 1;
        StoredState s;
        synchronized (state) {
            s = state.state();
        }
        Path snapshot = StoreFiles.snapshot(dir, next);
        Path temp = StoreFiles.temp(snapshot);
        try {
            SnapshotFile.writeTemp(json, temp, next, appliedSeq, s, clock.instant());
            faults.at("snapshot-temp-written");
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        try {
            StoreFiles.publish(temp, snapshot);
        } catch (IOException | RuntimeException e) {
            // Whether the rename happened is unknown: from here on, treat it as published.
            throw new SwitchFailed(e);
        }
        try {
            faults.at("snapshot-published");
            Path journal = StoreFiles.journal(dir, next);
            JournalFile.create(json, journal, next, appliedSeq + 1, clock.instant(), faults);
            faults.at("journal-published");
            FileChannel fresh = FileChannel.open(journal, WRITE);
            fresh.position(fresh.size());
            FileChannel old = out;
            out = fresh;
            size = fresh.size();
            generation = next;
            snapshotRetryAt = 0;
            old.close();
            faults.at("switched");
        } catch (IOException | RuntimeException e) {
            throw new SwitchFailed(e);
        }
        // The old generation stays as the fallback; the one before it goes.
        try {
            boolean a = Files.deleteIfExists(StoreFiles.snapshot(dir, next - 2));
            boolean b = Files.deleteIfExists(StoreFiles.journal(dir, next - 2));
            if (a || b) StoreFiles.syncDirectory(dir);
            faults.at("retired");
        } catch (IOException e) {
            LOG.warn("could not remove generation {} from {}: {}; the next start removes it", next - 2, dir, e.toString());
        }
        LOG.info("snapshot {}: {} nodes, {} allocations, after change {}", snapshot, s.nodes().size(),
                s.allocations().size(), appliedSeq);
    }

    /** Records the failure: the given batch, the queued one and every later append fail with it. */
    private void fail(Batch current, StoreException f) {
        LOG.error("{}; the state store refuses writes until it is restarted (what was reported durable stays durable)",
                f.getMessage(), f.getCause());
        Batch queued;
        lock.lock();
        try {
            failure = f;
            queued = open;
            open = new Batch(nextSeq);
        } finally {
            lock.unlock();
        }
        if (current != null) current.done.completeExceptionally(f);
        queued.done.completeExceptionally(f);
    }

    /** A failure after a new snapshot was published: the store must not go on with the old journal. */
    private static final class SwitchFailed extends IOException {
        private static final long serialVersionUID = 1L;

        SwitchFailed(Throwable cause) { super(cause); }
    }
}
