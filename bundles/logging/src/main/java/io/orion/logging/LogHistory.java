package io.orion.logging;

import java.util.List;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

/** The platform's recent log records (the last few thousand), and a feed of new ones. */
@ProviderType
public interface LogHistory {

    /** The most recent records, oldest first, at most {@code max}. */
    List<LogRecord> recent(int max);

    /** Calls {@code listener} for every new record until the returned handle is closed. */
    AutoCloseable subscribe(Consumer<LogRecord> listener);
}
