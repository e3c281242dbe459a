package io.orion.transport.rdma.e2e;

import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the Java client's session logs (through System.Logger, which is java.util.logging here),
 * as "LEVEL message" lines, while it is open.
 */
final class ClientLog extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("io.orion.client.internal.ClientSession"); // held: JUL keeps loggers weakly
    private final List<String> lines = new CopyOnWriteArrayList<>();

    ClientLog() {
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord r) {
        String m = r.getParameters() == null ? r.getMessage() : MessageFormat.format(r.getMessage(), r.getParameters());
        lines.add((r.getLevel().intValue() >= Level.WARNING.intValue() ? "WARN " : "INFO ") + m);
    }

    /** Every line so far, one per line. */
    String text() {
        return String.join("\n", lines);
    }

    @Override public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
