package io.orion.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkUtil;

/**
 * Installs and removes bundles through the framework's own context, so they outlive the test
 * method (osgi-test's injected context uninstalls what it installed when the test ends).
 */
public final class Bundles {
    private Bundles() {}

    /** The system bundle's context: what is installed through it stays. */
    public static BundleContext framework(Class<?> testClass) {
        return FrameworkUtil.getBundle(testClass).getBundleContext().getBundle(0).getBundleContext();
    }

    public static Optional<Bundle> find(BundleContext context, String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst();
    }

    /** Installs and starts a bundle from a jar file. */
    public static Bundle installAndStart(BundleContext context, Path jar) throws IOException, BundleException {
        try (InputStream in = Files.newInputStream(jar)) {
            Bundle b = context.installBundle("orion-test:" + jar.toAbsolutePath(), in);
            b.start();
            return b;
        }
    }

    /** Installs (again) from a location the framework knows, e.g. one saved before uninstalling. */
    public static Bundle reinstall(BundleContext context, String location) throws BundleException {
        Bundle b = context.installBundle(location);
        b.start();
        return b;
    }

    /** Uninstalls and waits until the framework no longer lists it. */
    public static void uninstall(BundleContext context, Bundle b) throws BundleException {
        try {
            b.uninstall();
        } catch (IllegalStateException alreadyGone) {
            // removed by someone else (FileInstall, say) in the meantime: fine
        }
        Await.until(b.getSymbolicName() + " to be uninstalled", Duration.ofSeconds(10),
                () -> Arrays.stream(context.getBundles()).noneMatch(x -> x.getBundleId() == b.getBundleId()));
    }
}
