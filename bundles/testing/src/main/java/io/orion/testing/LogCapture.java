package io.orion.testing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.orion.logging.LogHistory;
import io.orion.logging.LogRecord;

/** Collects the log records written while it is open, to assert on what operators would read. */
public final class LogCapture implements AutoCloseable {
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final AutoCloseable subscription;

    public LogCapture(LogHistory history) {
        subscription = history.subscribe(records::add);
    }

    public List<LogRecord> records() { return List.copyOf(records); }

    /** True when some record's message contains {@code text}. */
    public boolean contains(String text) {
        return records.stream().anyMatch(r -> r.message().contains(text));
    }

    /** Waits for a record containing {@code text}. */
    public LogRecord await(String text, Duration timeout) {
        Await.until("a log line containing '" + text + "'", timeout, () -> contains(text));
        return records.stream().filter(r -> r.message().contains(text)).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        try {
            subscription.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop capturing the log", e);
        }
    }
}
