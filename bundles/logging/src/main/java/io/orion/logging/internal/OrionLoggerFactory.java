package io.orion.logging.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;

/** Hands out one logger per name and re-levels all of them when the level table changes. */
final class OrionLoggerFactory implements ILoggerFactory {

    private final ConcurrentMap<String, OrionLogger> loggers = new ConcurrentHashMap<>();
    private final LogSink sink;
    private volatile LevelTable levels;

    OrionLoggerFactory(LogSink sink, LevelTable levels) {
        this.sink = sink;
        this.levels = levels;
    }

    @Override
    public Logger getLogger(String name) {
        return logger(name);
    }

    OrionLogger logger(String name) {
        return loggers.computeIfAbsent(name, n -> new OrionLogger(n, sink, levels.levelOf(n)));
    }

    LogSink sink() { return sink; }

    LevelTable levels() { return levels; }

    void setLevels(LevelTable table) {
        levels = table;
        loggers.values().forEach(l -> l.setLevel(table.levelOf(l.getName())));
    }
}
