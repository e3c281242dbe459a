package io.orion.logging.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.orion.logging.LogRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoggingTest {

    @Test
    void longestPrefixWins() {
        LevelTable t = LevelTable.parse("INFO", new String[] {"io.orion=WARN", "io.orion.core=DEBUG"});
        assertEquals(Level.DEBUG, t.levelOf("io.orion.core.internal.PlatformCore"));
        assertEquals(Level.WARN, t.levelOf("io.orion.controller.X"));
        assertEquals(Level.INFO, t.levelOf("org.other"));
        // a prefix matches whole name segments only
        assertEquals(Level.INFO, t.levelOf("io.orionx.Y"));
    }

    @Test
    void nettysBootstrapWarningsAboutChannelOptionsAreQuietByDefaultAndCanBeTurnedOn() {
        assertEquals(Level.ERROR, OrionServiceProvider.launcherLevels(new String[0], "INFO").levelOf("io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap"));
        assertEquals(Level.INFO, OrionServiceProvider.launcherLevels(new String[0], "INFO").levelOf("io.grpc.netty.shaded.io.netty.channel.X"));
        assertEquals(Level.WARN, OrionServiceProvider.launcherLevels(new String[] {"io.grpc.netty.shaded.io.netty.bootstrap=WARN"}, "INFO")
                .levelOf("io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap"));
    }

    @Test
    void aCfgFilesCommaListIsSplitIntoEntries() {
        LevelTable t = OrionServiceProvider.launcherLevels(new String[] {"io.orion.core=DEBUG, io.orion.server=WARN"}, "INFO");
        assertEquals(Level.DEBUG, t.levelOf("io.orion.core.X"));
        assertEquals(Level.WARN, t.levelOf("io.orion.server.Y"));
    }

    @Test
    void badLevelsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LevelTable.parse("INFO", new String[] {"io.orion=LOUD"}));
        assertTrue(e.getMessage().contains("LOUD"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LevelTable.parse("INFO", new String[] {"noequals"}));
        assertTrue(e.getMessage().contains("noequals"), e.getMessage());
    }

    @Test
    void levelsFilterAndFactoryRelevels() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LogSink sink = new LogSink(new PrintStream(out, true, StandardCharsets.UTF_8));
        OrionLoggerFactory f = new OrionLoggerFactory(sink, LevelTable.parse("WARN", new String[0]));
        OrionLogger log = f.logger("io.orion.core.Thing");
        log.info("hidden {}", 1);
        log.warn("shown {} and {}", "a", 2);
        assertEquals(1, sink.recent(10).size());
        assertEquals("shown a and 2", sink.recent(10).get(0).message());
        f.setLevels(LevelTable.parse("WARN", new String[] {"io.orion.core=INFO"}));
        log.info("now shown");
        assertEquals(2, sink.recent(10).size());
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("WARN  [") && text.contains("i.o.c.Thing - shown a and 2"), text);
    }

    @Test
    void consoleThresholdAndFileAndHistory(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LogSink sink = new LogSink(new PrintStream(out, true, StandardCharsets.UTF_8));
        sink.setConsoleLevel(Level.WARN);
        Path file = dir.resolve("logs/orion.log");
        sink.setFile(file.toString());
        List<LogRecord> seen = new ArrayList<>();
        AutoCloseable sub = sink.subscribe(seen::add);
        sink.write(Level.INFO, "a.B", "quiet", null);
        sink.write(Level.ERROR, "a.B", "loud", new IllegalStateException("boom"));
        sub.close();
        sink.write(Level.ERROR, "a.B", "after unsubscribe", null);
        sink.close();
        String console = out.toString(StandardCharsets.UTF_8);
        assertFalse(console.contains("quiet"), console);
        assertTrue(console.contains("loud") && console.contains("IllegalStateException: boom"), console);
        String logged = Files.readString(file);
        assertTrue(logged.contains("quiet") && logged.contains("loud"), logged);
        assertEquals(2, seen.size());
        assertEquals(3, sink.recent(100).size());
        assertEquals(1, sink.recent(1).size());
    }

    @Test
    void historyKeepsTheMostRecent() {
        LogSink sink = new LogSink(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        for (int i = 0; i < LogSink.HISTORY + 10; i++) sink.write(Level.INFO, "x", "m" + i, null);
        List<LogRecord> all = sink.recent(Integer.MAX_VALUE);
        assertEquals(LogSink.HISTORY, all.size());
        assertEquals("m10", all.get(0).message());
        assertEquals("m" + (LogSink.HISTORY + 9), all.get(all.size() - 1).message());
    }

    @Test
    void abbreviatesPackages() {
        assertEquals("i.o.c.i.PlatformCore", LogSink.abbreviate("io.orion.core.internal.PlatformCore"));
        assertEquals("Plain", LogSink.abbreviate("Plain"));
    }

    @Test
    void julLevelsMap() {
        assertEquals(Level.ERROR, JulBridge.map(java.util.logging.Level.SEVERE));
        assertEquals(Level.WARN, JulBridge.map(java.util.logging.Level.WARNING));
        assertEquals(Level.INFO, JulBridge.map(java.util.logging.Level.INFO));
        assertEquals(Level.DEBUG, JulBridge.map(java.util.logging.Level.FINE));
        assertEquals(Level.TRACE, JulBridge.map(java.util.logging.Level.FINEST));
    }
}
