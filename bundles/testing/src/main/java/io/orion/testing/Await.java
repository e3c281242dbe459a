package io.orion.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for something that happens asynchronously (DS, ConfigAdmin, FileInstall) to become true. */
public final class Await {
    private Await() {}

    /** Polls {@code condition} until it holds; an {@link AssertionError} naming {@code what} after {@code timeout}. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what);
            }
        }
    }

    /** Waits until {@code value} gives something non-null and returns it. */
    public static <T> T value(String what, Duration timeout, Supplier<T> value) {
        Object[] box = new Object[1];
        until(what, timeout, () -> (box[0] = value.get()) != null);
        @SuppressWarnings("unchecked") T t = (T) box[0];
        return t;
    }
}
