package io.orion.store.journal.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files of a store directory. Generation {@code G} is the pair {@code G.snapshot} (the whole
 * state after change {@code lastSeq}) and {@code G.journal} (the changes after it). The store
 * writes only the newest generation's journal; the one before is kept as a fallback.
 */
final class StoreFiles {
    static final String LOCK = "lock";
    static final String TEMP_SUFFIX = ".tmp";
    private static final Pattern NAME = Pattern.compile("(\\d{10})\\.(snapshot|journal)");

    /** What a directory holds, by generation. */
    record Listing(NavigableMap<Long, Path> snapshots, NavigableMap<Long, Path> journals, List<Path> temps) {}

    private StoreFiles() {}

    static Path snapshot(Path dir, long generation) { return dir.resolve(name(generation) + ".snapshot"); }

    static Path journal(Path dir, long generation) { return dir.resolve(name(generation) + ".journal"); }

    static Path temp(Path file) { return file.resolveSibling(file.getFileName() + TEMP_SUFFIX); }

    private static String name(long generation) {
        if (generation < 0 || generation > 9_999_999_999L)
            throw new IllegalArgumentException("generation out of range: " + generation);
        return String.format("%010d", generation);
    }

    static Listing list(Path dir) throws IOException {
        NavigableMap<Long, Path> snapshots = new TreeMap<>();
        NavigableMap<Long, Path> journals = new TreeMap<>();
        List<Path> temps = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                if (n.endsWith(TEMP_SUFFIX)) {
                    temps.add(f);
                    continue;
                }
                Matcher m = NAME.matcher(n);
                if (!m.matches()) continue; // lock, corrupt copies kept for the operator, anything else
                (m.group(2).equals("snapshot") ? snapshots : journals).put(Long.parseLong(m.group(1)), f);
            }
        }
        return new Listing(snapshots, journals, temps);
    }

    /** Makes renames and creations in {@code dir} durable (fsync of the directory itself). */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /**
     * Publishes a fully written and synced temporary file under its final name, atomically: a
     * crash leaves either no file of that name or the whole file.
     */
    static void publish(Path temp, Path target) throws IOException {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(target.getParent());
    }
}
