package io.orion.logging.internal;

import java.io.Serial;

import org.slf4j.Marker;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** An SLF4J logger whose level the factory sets, and which writes to the shared sink. */
final class OrionLogger extends LegacyAbstractLogger {
    @Serial private static final long serialVersionUID = 1L;

    private final transient LogSink sink;
    private volatile Level level;

    OrionLogger(String name, LogSink sink, Level level) {
        this.name = name;
        this.sink = sink;
        this.level = level;
    }

    void setLevel(Level level) { this.level = level; }

    Level level() { return level; }

    @Override public boolean isTraceEnabled() { return level.allows(Level.TRACE); }
    @Override public boolean isDebugEnabled() { return level.allows(Level.DEBUG); }
    @Override public boolean isInfoEnabled() { return level.allows(Level.INFO); }
    @Override public boolean isWarnEnabled() { return level.allows(Level.WARN); }
    @Override public boolean isErrorEnabled() { return level.allows(Level.ERROR); }

    @Override
    protected String getFullyQualifiedCallerName() { return null; }

    @Override
    protected void handleNormalizedLoggingCall(org.slf4j.event.Level slf4jLevel, Marker marker, String pattern,
                                               Object[] args, Throwable error) {
        Level l = Level.valueOf(slf4jLevel.name());
        if (!level.allows(l)) return;
        String message = args == null || args.length == 0 ? pattern : MessageFormatter.basicArrayFormat(pattern, args);
        sink.write(l, name, message, error);
    }
}
