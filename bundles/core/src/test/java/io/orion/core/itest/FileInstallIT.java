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

/**
 * A policy bundle dropped into the watched folder becomes selectable, a newer version dropped
 * over it replaces it, and deleting it falls back to the default with a log line saying so.
 */
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

    /** A copy of a bundle jar with another Bundle-Version, as a newer build of it would have. */
    private static void withVersion(Path jar, Path copy, String version) throws java.io.IOException {
        try (java.util.jar.JarFile in = new java.util.jar.JarFile(jar.toFile())) {
            java.util.jar.Manifest m = new java.util.jar.Manifest(in.getManifest());
            m.getMainAttributes().putValue("Bundle-Version", version);
            try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(copy), m)) {
                for (var e : java.util.Collections.list(in.entries())) {
                    if (e.getName().equals("META-INF/MANIFEST.MF")) continue;
                    out.putNextEntry(new java.util.jar.JarEntry(e.getName()));
                    try (var data = in.getInputStream(e)) {
                        data.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
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

        // A newer version dropped over it replaces the old one (same bundle, updated), and stays in use.
        long id = Bundles.find(framework, "io.orion.policy.spread").orElseThrow().getBundleId();
        Path newer = Path.of(framework.getProperty("orion.itest.bundles"), "spread-0.1.1.jar"); // outside the watched folder
        withVersion(dropped, newer, "0.1.1");
        Files.move(newer, dropped, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Await.until("spread 0.1.1 to replace 0.1.0", WAIT, () -> Bundles.find(framework, "io.orion.policy.spread")
                .map(b -> b.getVersion().toString().equals("0.1.1") && b.getBundleId() == id).orElse(false));
        Await.until("spread to be in use again after the update", WAIT, () -> active().equals("spread"));

        try (LogCapture capture = new LogCapture(log)) {
            Files.delete(dropped);
            Await.until("spread to be uninstalled by FileInstall", WAIT, () -> !installed("spread"));
            Await.until("the fallback to binpack", WAIT, () -> active().equals("binpack"));
            capture.await("policy 'spread' is not installed; falling back to 'binpack'", WAIT);
        }
        Await.until("the spread bundle to be gone", WAIT, () -> Bundles.find(framework, "io.orion.policy.spread").isEmpty());
    }
}
