package io.orion.logging.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.orion.logging.LogHistory;
import io.orion.logging.LogRecord;

/**
 * Where every record goes: the console (standard error, from a threshold), an optional file, and
 * a ring of recent records for {@link LogHistory}. One format everywhere:
 * {@code 2026-11-28 16:06:44.123 INFO  [thread] i.o.c.i.PlatformCore - message}.
 */
final class LogSink implements LogHistory {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    static final int HISTORY = 2000;

    private final PrintStream console;
    private volatile Level consoleLevel = Level.TRACE;
    private Writer file;
    private Path filePath;
    private final ArrayDeque<LogRecord> recent = new ArrayDeque<>(HISTORY);
    private final List<Consumer<LogRecord>> subscribers = new CopyOnWriteArrayList<>();

    LogSink(PrintStream console) {
        this.console = console;
    }

    void setConsoleLevel(Level level) { consoleLevel = level; }

    /** Writes to {@code path} from now on (appending); null or empty stops writing to a file. */
    synchronized void setFile(String path) throws IOException {
        Path p = path == null || path.isBlank() ? null : Path.of(path).toAbsolutePath();
        if (p != null && p.equals(filePath)) return;
        if (file != null) file.close();
        file = null;
        filePath = p;
        if (p != null) {
            if (p.getParent() != null) Files.createDirectories(p.getParent());
            file = Files.newBufferedWriter(p, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    void write(Level level, String logger, String message, Throwable error) {
        Instant now = Instant.now();
        String thread = Thread.currentThread().getName();
        String errorText = error == null ? "" : stackTrace(error);
        LogRecord record = new LogRecord(now, level.name(), logger, thread, message, errorText);
        String line = format(record);
        synchronized (this) {
            if (consoleLevel.allows(level)) {
                console.print(line);
                console.flush();
            }
            if (file != null) {
                try {
                    file.write(line);
                    file.flush();
                } catch (IOException e) {
                    console.println("orion logging: cannot write " + filePath + ": " + e.getMessage());
                    file = null;
                }
            }
            if (recent.size() == HISTORY) recent.removeFirst();
            recent.addLast(record);
        }
        for (Consumer<LogRecord> s : subscribers) {
            try {
                s.accept(record);
            } catch (RuntimeException e) {
                subscribers.remove(s); // a subscriber that throws is dropped, never allowed to break logging
            }
        }
    }

    static String format(LogRecord r) {
        StringBuilder b = new StringBuilder(128);
        b.append(TIME.format(r.time())).append(' ').append(String.format("%-5s", r.level()))
                .append(" [").append(r.thread()).append("] ").append(abbreviate(r.logger())).append(" - ")
                .append(r.message()).append(System.lineSeparator());
        if (!r.error().isEmpty()) b.append(r.error());
        return b.toString();
    }

    /** {@code io.orion.core.internal.PlatformCore} → {@code i.o.c.i.PlatformCore}. */
    static String abbreviate(String logger) {
        int last = logger.lastIndexOf('.');
        if (last < 0) return logger;
        StringBuilder b = new StringBuilder();
        int start = 0;
        while (start < last) {
            int dot = logger.indexOf('.', start);
            if (dot > start) b.append(logger.charAt(start)).append('.');
            start = dot + 1;
        }
        return b.append(logger, last + 1, logger.length()).toString();
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    @Override
    public synchronized List<LogRecord> recent(int max) {
        List<LogRecord> all = new ArrayList<>(recent);
        return all.subList(Math.max(0, all.size() - Math.max(0, max)), all.size());
    }

    @Override
    public AutoCloseable subscribe(Consumer<LogRecord> listener) {
        subscribers.add(listener);
        return () -> subscribers.remove(listener);
    }

    synchronized void close() throws IOException {
        if (file != null) file.close();
        file = null;
        filePath = null;
    }
}
