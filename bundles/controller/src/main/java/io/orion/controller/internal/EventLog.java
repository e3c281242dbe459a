package io.orion.controller.internal;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import io.orion.api.pool.PoolEvent;

/** The most recent pool events, for the portal, the API and the console. Thread-safe. */
final class EventLog {
    private final ArrayDeque<PoolEvent> events = new ArrayDeque<>();
    private final Clock clock;
    private volatile int capacity;

    EventLog(Clock clock, int capacity) {
        this.clock = clock;
        this.capacity = capacity;
    }

    void setCapacity(int capacity) { this.capacity = capacity; }

    synchronized PoolEvent add(PoolEvent.Kind kind, String subject, String message) {
        PoolEvent e = new PoolEvent(clock.instant(), kind, subject, message);
        while (events.size() >= capacity) events.removeFirst();
        events.addLast(e);
        return e;
    }

    synchronized List<PoolEvent> recent(int max) {
        List<PoolEvent> all = new ArrayList<>(events);
        return all.subList(Math.max(0, all.size() - Math.max(0, max)), all.size());
    }
}
