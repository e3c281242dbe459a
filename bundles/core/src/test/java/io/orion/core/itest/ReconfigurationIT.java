package io.orion.core.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import io.orion.api.platform.Platform;
import io.orion.api.platform.PluginKind;
import io.orion.logging.LogHistory;
import io.orion.testing.Await;
import io.orion.testing.Bundles;
import io.orion.testing.Configs;
import io.orion.testing.LogCapture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/** A configuration change reaches the running core: same component, same service, new choice. */
@ExtendWith(ServiceExtension.class)
class ReconfigurationIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @InjectService ConfigurationAdmin cm;
    @InjectService LogHistory log;

    @AfterEach
    void restore() throws Exception {
        Configs.reset(cm, "io.orion.core");
    }

    @Test
    void changesApplyWithoutReactivation() throws Exception {
        BundleContext ctx = Bundles.framework(getClass());
        ServiceReference<Platform> before = ctx.getServiceReference(Platform.class);
        Platform platform = ctx.getService(before);
        try (LogCapture capture = new LogCapture(log)) {
            // A policy that is not installed: the fallback stays in use, and the core says so.
            Configs.set(cm, "io.orion.core", "policy", "gpu-affinity");
            capture.await("policy 'gpu-affinity' is not installed; falling back to 'binpack'", WAIT);
            Configs.set(cm, "io.orion.core", "transports", new String[] {"tcp"});
            capture.await("transports=tcp", WAIT);

            ServiceReference<Platform> after = ctx.getServiceReference(Platform.class);
            assertEquals(before.getProperty(Constants.SERVICE_ID), after.getProperty(Constants.SERVICE_ID), "same service");
            assertSame(platform, ctx.getService(after), "same component instance");
            assertFalse(capture.contains("Orion core active"), "the core was not re-activated");
            assertEquals("binpack", platform.activePolicy().orElseThrow().name());
            assertTrue(platform.plugins(PluginKind.POLICY).stream().anyMatch(i -> i.name().equals("binpack") && i.inUse()));
        } finally {
            ctx.ungetService(before);
        }
    }

    @Test
    void selectingAnUninstalledPolicyIsRefusedWithTheNames() {
        Platform platform = Bundles.framework(getClass()).getService(Bundles.framework(getClass()).getServiceReference(Platform.class));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> platform.selectPolicy("nope"));
        assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("binpack"), e.getMessage());
    }
}
