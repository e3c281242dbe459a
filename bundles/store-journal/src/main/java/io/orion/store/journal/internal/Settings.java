package io.orion.store.journal.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The store's settings, checked: a bad value fails activation with a message naming the key and
 * the value.
 *
 * @param directory           folder of the store (absolute)
 * @param fsync               whether an append is durable only after fsync
 * @param commitWindow        how long a batch waits for more appends before it is written
 * @param snapshotAfterBytes  journal size that triggers a snapshot and a new journal
 * @param truncateCorrupt     on corruption, keep the sound prefix instead of refusing to open
 */
record Settings(Path directory, boolean fsync, Duration commitWindow, long snapshotAfterBytes, boolean truncateCorrupt) {

    static final String HOME_PROPERTY = "orion.home";
    static final long MIN_SNAPSHOT_AFTER = 4096;

    Settings {
        directory = directory.toAbsolutePath().normalize();
        if (commitWindow.isNegative() || commitWindow.compareTo(Duration.ofSeconds(1)) > 0)
            throw new IllegalArgumentException("commitWindowMs must be 0..1000, was " + commitWindow.toMillis());
        if (snapshotAfterBytes < MIN_SNAPSHOT_AFTER)
            throw new IllegalArgumentException("snapshotAfterBytes must be at least " + MIN_SNAPSHOT_AFTER + ", was " + snapshotAfterBytes);
    }

    /** Defaults for a directory, as tests and tools use them. */
    static Settings of(Path directory) {
        return new Settings(directory, true, Duration.ZERO, 16L << 20, false);
    }

    Settings withFsync(boolean on) { return new Settings(directory, on, commitWindow, snapshotAfterBytes, truncateCorrupt); }

    Settings withCommitWindow(Duration d) { return new Settings(directory, fsync, d, snapshotAfterBytes, truncateCorrupt); }

    Settings withSnapshotAfter(long bytes) { return new Settings(directory, fsync, commitWindow, bytes, truncateCorrupt); }

    Settings withTruncateCorrupt(boolean on) { return new Settings(directory, fsync, commitWindow, snapshotAfterBytes, on); }

    /** From the configuration; {@code orionHome} is the framework property, possibly null. */
    static Settings from(JournalConfig c, String orionHome) {
        Path dir;
        String configured = c.directory() == null ? "" : c.directory().trim();
        try {
            if (!configured.isEmpty()) dir = Path.of(configured);
            else if (orionHome != null && !orionHome.isBlank()) dir = Path.of(orionHome.trim(), "state");
            else dir = Path.of("state");
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("directory is not a valid path: '" + configured + "' (" + e.getReason() + ")");
        }
        boolean fsync = switch (lower(c.fsync())) {
            case "always" -> true;
            case "never" -> false;
            default -> throw new IllegalArgumentException("fsync must be 'always' or 'never', was '" + c.fsync() + "'");
        };
        boolean truncate = switch (lower(c.recovery())) {
            case "strict" -> false;
            case "truncate" -> true;
            default -> throw new IllegalArgumentException("recovery must be 'strict' or 'truncate', was '" + c.recovery() + "'");
        };
        return new Settings(dir, fsync, Duration.ofMillis(c.commitWindowMs()), c.snapshotAfterBytes(), truncate);
    }

    private static String lower(String s) {
        return s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    }
}
