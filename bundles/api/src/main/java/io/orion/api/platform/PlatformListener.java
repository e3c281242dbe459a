package io.orion.api.platform;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told when the platform's choice of a plugin kind changed (installed, removed, reconfigured).
 * Register as a service; the core calls every listener, outside its locks.
 */
@ConsumerType
public interface PlatformListener {
    void selectionChanged(PluginKind kind);
}
