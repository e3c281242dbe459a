package io.orion.store.journal.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class SettingsTest {

    /** A configuration as DS would hand it over. */
    private static JournalConfig config(String directory, String fsync, int windowMs, long snapshotAfter, String recovery) {
        return new JournalConfig() {
            @Override public Class<? extends Annotation> annotationType() { return JournalConfig.class; }
            @Override public String directory() { return directory; }
            @Override public String fsync() { return fsync; }
            @Override public int commitWindowMs() { return windowMs; }
            @Override public long snapshotAfterBytes() { return snapshotAfter; }
            @Override public String recovery() { return recovery; }
        };
    }

    private static JournalConfig defaults() { return config("", "always", 0, 16L << 20, "strict"); }

    @Test
    void defaultsLiveUnderOrionHome() {
        Settings s = Settings.from(defaults(), "/var/lib/orion");
        assertEquals(Path.of("/var/lib/orion/state"), s.directory());
        assertTrue(s.fsync());
        assertEquals(Duration.ZERO, s.commitWindow());
        assertEquals(16L << 20, s.snapshotAfterBytes());
        assertFalse(s.truncateCorrupt());
    }

    @Test
    void withoutOrionHomeTheDirectoryIsStateInTheWorkingDirectory() {
        assertEquals(Path.of("state").toAbsolutePath(), Settings.from(defaults(), null).directory());
        assertEquals(Path.of("state").toAbsolutePath(), Settings.from(defaults(), " ").directory());
    }

    @Test
    void explicitValuesAreTakenAndWordsAreCaseInsensitive() {
        Settings s = Settings.from(config(" /data/orion ", "NEVER", 5, 4096, "Truncate"), "/ignored");
        assertEquals(Path.of("/data/orion"), s.directory());
        assertFalse(s.fsync());
        assertEquals(Duration.ofMillis(5), s.commitWindow());
        assertEquals(4096, s.snapshotAfterBytes());
        assertTrue(s.truncateCorrupt());
    }

    @Test
    void badValuesAreNamed() {
        assertMessage("fsync must be 'always' or 'never', was 'sometimes'", config("", "sometimes", 0, 1 << 20, "strict"));
        assertMessage("recovery must be 'strict' or 'truncate', was 'yolo'", config("", "always", 0, 1 << 20, "yolo"));
        assertMessage("commitWindowMs must be 0..1000, was -1", config("", "always", -1, 1 << 20, "strict"));
        assertMessage("commitWindowMs must be 0..1000, was 1001", config("", "always", 1001, 1 << 20, "strict"));
        assertMessage("snapshotAfterBytes must be at least 4096, was 100", config("", "always", 0, 100, "strict"));
        assertMessage("directory is not a valid path: 'a\0b'", config("a\0b", "always", 0, 1 << 20, "strict"));
    }

    private static void assertMessage(String expected, JournalConfig c) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Settings.from(c, "/home"));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }
}
