package io.orion.testing;

import java.io.IOException;
import java.time.Duration;

import io.orion.api.pool.PoolService;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/** The controller in a test framework: kept in memory, so tests start from an empty pool. */
public final class Controller {
    private Controller() {}

    /** Points the controller at the in-memory store (unless it already is) and returns its pool. */
    public static PoolService inMemory(BundleContext context, ConfigurationAdmin cm) throws IOException {
        var c = cm.getConfiguration("io.orion.controller", "?");
        if (c.getProperties() == null || !"(orion.store=memory)".equals(c.getProperties().get("store.target")))
            Configs.set(cm, "io.orion.controller", "store.target", "(orion.store=memory)");
        return Services.await(context, PoolService.class, Duration.ofSeconds(20));
    }
}
