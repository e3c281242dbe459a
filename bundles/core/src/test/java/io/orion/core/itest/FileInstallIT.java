package io.orion.core.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import io.orion.api.platform.Platform;
import io.orion.api.platform.PluginKind;
import io.orion.api.policy.SchedulingPolicy;
import io.orion.logging.LogHistory;
import io.orion.testing.Await;
import io.orion.testing.Bundles;
import io.orion.testing.Configs;
import io.orion.testing.LogCapture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/** A policy bundle dropped into the watched folder becomes selectable; deleting it falls back. */
@ExtendWith(ServiceExtension.class)
class FileInstallIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @InjectService Platform platform;
    @InjectService ConfigurationAdmin cm;
    @InjectService LogHistory log;

    @AfterEach
    void restore() throws Exception {
        Configs.reset(cm, "io.orion.core");
        Await.until("binpack active again", WAIT, () -> active().equals("binpack"));
    }

    private String active() {
        return platform.activePolicy().map(SchedulingPolicy::name).orElse("");
    }

    private boolean installed(String name) {
        return platform.plugins(PluginKind.POLICY).stream().anyMatch(i -> i.name().equals(name));
    }

    @Test
    void dropSelectDeleteFallsBack() throws Exception {
        BundleContext framework = Bundles.framework(getClass());
        Path deploy = Path.of(framework.getProperty("felix.fileinstall.dir"));
        Files.createDirectories(deploy);
        Path dropped = deploy.resolve("orion-policy-spread.jar");
        Files.copy(Path.of(framework.getProperty("orion.itest.bundles"), "spread.jar"), dropped, StandardCopyOption.REPLACE_EXISTING);

        Await.until("the dropped spread policy to be installed", WAIT, () -> installed("spread"));
        platform.selectPolicy("spread");
        assertEquals("spread", active());

        try (LogCapture capture = new LogCapture(log)) {
            Files.delete(dropped);
            Await.until("spread to be uninstalled by FileInstall", WAIT, () -> !installed("spread"));
            Await.until("the fallback to binpack", WAIT, () -> active().equals("binpack"));
            capture.await("policy 'spread' is not installed; falling back to 'binpack'", WAIT);
        }
        Await.until("the spread bundle to be gone", WAIT, () -> Bundles.find(framework, "io.orion.policy.spread").isEmpty());
    }
}
