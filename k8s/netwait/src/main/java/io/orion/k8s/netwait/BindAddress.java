package io.orion.k8s.netwait;

import java.net.InetAddress;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Registered once the bind interface is up: its name and the address chosen on it. The
 * service also carries both as properties {@value #INTERFACE_PROPERTY} and {@value #ADDRESS_PROPERTY}.
 */
@ProviderType
public interface BindAddress {
    String INTERFACE_PROPERTY = "orion.bind.net";
    String ADDRESS_PROPERTY = "orion.bind.address";

    /** The interface, e.g. {@code eth0}. */
    String interfaceName();

    /** Its address (IPv4 where it has one). */
    InetAddress address();
}
