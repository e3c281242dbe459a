package io.orion.k8s.deviceplugin.internal;

import java.nio.file.Path;
import java.time.Duration;

import io.orion.k8s.client.ControllerClient;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The device plugin of one node. A configuration change restarts it (deactivate, activate):
 * the socket is served anew and registered again, which the kubelet takes as an update. It
 * waits for its configuration (the chart's io.orion.k8s.deviceplugin.cfg; an empty file takes
 * the defaults), so that it never registers a default resource name before the configured one.
 */
@Component(immediate = true, service = {}, configurationPid = DevicePluginComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = DevicePluginConfig.class)
public final class DevicePluginComponent {
    static final String PID = "io.orion.k8s.deviceplugin";

    private final PluginRunner runner;

    @Activate
    public DevicePluginComponent(DevicePluginConfig config) {
        String resource = config.resourceName().strip();
        checkResourceName(resource);
        String address = config.controllerAddress().isBlank() ? env("ORION_CONTROLLER") : config.controllerAddress().strip();
        if (address.isBlank())
            throw new IllegalArgumentException("no controller address: set controllerAddress in " + PID + " or ORION_CONTROLLER");
        ControllerClient controller = ControllerClient.of(address, Duration.ofSeconds(5));
        String forClients = config.clientControllerAddress().isBlank() ? address : config.clientControllerAddress().strip();
        AllocationAnswers answers = new AllocationAnswers(resource, forClients, config.clientLibraryHostPath().strip(),
                config.clientLibraryContainerPath().strip(), config.setLibraryPath(), config.shmHostPath().strip(),
                config.defaultGmemMiB(), config.defaultRatio());
        runner = new PluginRunner(Path.of(config.pluginDirectory()), config.socketName(), resource,
                new Capacity(controller, config.slots(), config.maxSlots()), address,
                Duration.ofSeconds(config.refreshSeconds()), new PluginService(answers));
        runner.start();
    }

    /** The kubelet refuses names outside a domain or in kubernetes.io; say so here, with the name. */
    static void checkResourceName(String name) {
        int slash = name.indexOf('/');
        if (slash <= 0 || slash == name.length() - 1 || name.indexOf('/', slash + 1) >= 0)
            throw new IllegalArgumentException("resource name '" + name + "' must be DOMAIN/NAME, e.g. virtaitech.com/gpu");
        String domain = name.substring(0, slash);
        if (domain.equals("kubernetes.io") || domain.endsWith(".kubernetes.io") || !domain.contains("."))
            throw new IllegalArgumentException("resource name '" + name + "' needs a domain of your own (not kubernetes.io), e.g. virtaitech.com/gpu");
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null ? "" : v.strip();
    }

    @Deactivate
    void deactivate() {
        runner.close();
    }
}
