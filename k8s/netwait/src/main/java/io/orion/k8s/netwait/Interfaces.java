package io.orion.k8s.netwait;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Comparator;
import java.util.Optional;

/** Finds the address of a named network interface. */
public final class Interfaces {
    private Interfaces() {}

    /**
     * The address of interface {@code name} when it exists, is up and has one: IPv4 first, then a
     * global IPv6 address (link-local ones cannot be reached from other nodes); empty otherwise.
     */
    public static Optional<InetAddress> addressOf(String name) {
        try {
            NetworkInterface nic = NetworkInterface.getByName(name);
            if (nic == null || !nic.isUp()) return Optional.empty();
            return nic.inetAddresses().filter(a -> !a.isLinkLocalAddress())
                    .min(Comparator.comparingInt(a -> a instanceof Inet4Address ? 0 : 1));
        } catch (SocketException e) {
            return Optional.empty();
        }
    }

    /** The interface name to use: the configured one, else {@code $ORION_BIND_NET}, else {@code eth0}. */
    public static String bindNet(String configured) {
        if (configured != null && !configured.isBlank()) return configured.strip();
        String env = System.getenv("ORION_BIND_NET");
        return env == null || env.isBlank() ? "eth0" : env.strip();
    }
}
