package io.orion.logging;

import java.time.Instant;

/**
 * One log record as the platform wrote it.
 *
 * @param time     when
 * @param level    ERROR, WARN, INFO, DEBUG or TRACE
 * @param logger   logger name
 * @param thread   thread name
 * @param message  formatted message
 * @param error    the exception's text (first line and stack), or empty
 */
public record LogRecord(Instant time, String level, String logger, String thread, String message, String error) {}
