package io.orion.transport.tcp.internal;

import io.orion.protocol.Wire;

/**
 * Validated settings of the TCP transport, from {@link TcpConfig} or built directly.
 *
 * @param bindAddress     address to listen on; {@code 0.0.0.0} for all
 * @param port            port; 0 picks a free one (tests)
 * @param advertisedHost  host name clients use, for the endpoint; empty: this machine's name
 * @param busyPoll        readers spin without ever sleeping (lowest latency, one core per connection)
 * @param spinMicros      otherwise, how long a reader spins before it sleeps in the kernel
 * @param socketBufferBytes  SO_SNDBUF and SO_RCVBUF
 * @param maxFrameBytes   largest frame a connection carries, header included
 */
public record TcpSettings(String bindAddress, int port, String advertisedHost, boolean busyPoll, int spinMicros,
                          int socketBufferBytes, int maxFrameBytes) {
    public TcpSettings {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, was " + port);
        if (spinMicros < 0 || spinMicros > 1_000_000) throw new IllegalArgumentException("spinMicros must be 0..1000000, was " + spinMicros);
        if (socketBufferBytes < 65536) throw new IllegalArgumentException("socketBufferBytes must be >= 65536, was " + socketBufferBytes);
        if (maxFrameBytes < Wire.HELLO_MAX_PAYLOAD + Wire.HEADER_SIZE || maxFrameBytes > Wire.ABSOLUTE_MAX_PAYLOAD + Wire.HEADER_SIZE)
            throw new IllegalArgumentException("maxFrameBytes must be " + (Wire.HELLO_MAX_PAYLOAD + Wire.HEADER_SIZE) + ".."
                    + (Wire.ABSOLUTE_MAX_PAYLOAD + Wire.HEADER_SIZE) + ", was " + maxFrameBytes);
        if (bindAddress == null || bindAddress.isBlank()) bindAddress = "0.0.0.0";
        if (advertisedHost == null) advertisedHost = "";
    }

    public static TcpSettings defaults() {
        return new TcpSettings("0.0.0.0", 9960, "", false, 20, 4 << 20, Wire.DEFAULT_MAX_PAYLOAD + Wire.HEADER_SIZE);
    }

    static TcpSettings from(TcpConfig c) {
        return new TcpSettings(c.bindAddress(), c.port(), c.advertisedHost(), c.busyPoll(), c.spinMicros(),
                c.socketBufferBytes(), c.maxFrameBytes());
    }

    public TcpSettings withPort(int p) {
        return new TcpSettings(bindAddress, p, advertisedHost, busyPoll, spinMicros, socketBufferBytes, maxFrameBytes);
    }

    public TcpSettings withBindAddress(String a) {
        return new TcpSettings(a, port, advertisedHost, busyPoll, spinMicros, socketBufferBytes, maxFrameBytes);
    }

    public TcpSettings withAdvertisedHost(String h) {
        return new TcpSettings(bindAddress, port, h, busyPoll, spinMicros, socketBufferBytes, maxFrameBytes);
    }

    public TcpSettings withBusyPoll(boolean b) {
        return new TcpSettings(bindAddress, port, advertisedHost, b, spinMicros, socketBufferBytes, maxFrameBytes);
    }
}
