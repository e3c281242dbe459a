package io.orion.logging.internal;

import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/**
 * Sends java.util.logging records (CXF logs there) into the same loggers, replacing JUL's own
 * console handler so every line has one format.
 */
final class JulBridge extends Handler {

    private final OrionLoggerFactory factory;
    private Handler[] replaced = new Handler[0];

    JulBridge(OrionLoggerFactory factory) {
        this.factory = factory;
    }

    void install() {
        java.util.logging.Logger root = LogManager.getLogManager().getLogger("");
        replaced = root.getHandlers();
        for (Handler h : replaced) root.removeHandler(h);
        root.addHandler(this);
    }

    void uninstall() {
        java.util.logging.Logger root = LogManager.getLogManager().getLogger("");
        root.removeHandler(this);
        for (Handler h : replaced) root.addHandler(h);
    }

    @Override
    public void publish(LogRecord r) {
        String name = r.getLoggerName() == null ? "jul" : r.getLoggerName();
        OrionLogger logger = factory.logger(name);
        Level level = map(r.getLevel());
        if (!logger.level().allows(level)) return;
        String message = r.getMessage();
        if (message != null && r.getParameters() != null && r.getParameters().length > 0) {
            try {
                message = java.text.MessageFormat.format(message, r.getParameters());
            } catch (IllegalArgumentException ignored) {
                // keep the raw pattern: a bad format must not lose the record
            }
        }
        factory.sink().write(level, name, message == null ? "" : message, r.getThrown());
    }

    static Level map(java.util.logging.Level l) {
        int v = l.intValue();
        if (v >= java.util.logging.Level.SEVERE.intValue()) return Level.ERROR;
        if (v >= java.util.logging.Level.WARNING.intValue()) return Level.WARN;
        if (v >= java.util.logging.Level.INFO.intValue()) return Level.INFO;
        if (v >= java.util.logging.Level.FINE.intValue()) return Level.DEBUG;
        return Level.TRACE;
    }

    @Override public void flush() {}

    @Override public void close() {}
}
