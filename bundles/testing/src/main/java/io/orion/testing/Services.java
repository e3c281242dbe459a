package io.orion.testing;

import java.time.Duration;

import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/** Waits for services that appear only after a configuration took effect. */
public final class Services {
    private Services() {}

    /** The service, once one is registered; an {@link AssertionError} naming it after {@code timeout}. */
    public static <T> T await(BundleContext context, Class<T> type, Duration timeout) {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        try {
            T service = tracker.waitForService(timeout.toMillis());
            if (service == null) throw new AssertionError("no " + type.getName() + " service after " + timeout);
            return service;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + type.getName());
        } finally {
            // the service object stays usable; the tracker was only for waiting
            tracker.close();
        }
    }
}
