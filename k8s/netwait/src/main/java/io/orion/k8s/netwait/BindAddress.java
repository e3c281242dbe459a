package io.orion.k8s.netwait;

import java.net.InetAddress;

import io.orion.api.platform.BindReady;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Registered once the bind interface is up: its name and the address chosen on it. The
 * service also carries both as properties {@value #INTERFACE_PROPERTY} and {@value #ADDRESS_PROPERTY};
 * it is the same service as the node's {@link BindReady} condition.
 */
@ProviderType
public interface BindAddress {
    String INTERFACE_PROPERTY = BindReady.INTERFACE_PROPERTY;
    String ADDRESS_PROPERTY = BindReady.ADDRESS_PROPERTY;

    /** The interface, e.g. {@code eth0}. */
    String interfaceName();

    /** Its address (IPv4 where it has one). */
    InetAddress address();
}
