package io.orion.transport.rdma.internal;

import io.orion.protocol.Wire;
import io.orion.ucx.UcxConfig;

/**
 * Validated settings of the rdma transport, from {@link RdmaConfig} or built directly.
 *
 * @param bindAddress    address of the rendezvous socket; {@code 0.0.0.0} for all
 * @param port           its TCP port; 0 picks a free one (tests)
 * @param advertisedHost host name clients use, for the endpoint; empty: this machine's name
 * @param rma            offer payload regions for one-sided RDMA to clients that ask
 * @param regionMiB      a connection's region when its client asks for no size
 * @param maxRegionMiB   the largest region a client may ask for
 * @param busyPoll       connection threads never sleep
 * @param spinMicros     otherwise, how long they poll UCX before waiting for an event
 * @param maxFrameBytes  largest frame either way, header included
 * @param ucx            UCX settings of the transport's context
 */
public record RdmaSettings(String bindAddress, int port, String advertisedHost, boolean rma, int regionMiB, int maxRegionMiB,
                           boolean busyPoll, int spinMicros, int maxFrameBytes, UcxConfig ucx) {
    public RdmaSettings {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, was " + port);
        if (maxRegionMiB < 1 || maxRegionMiB > 1 << 20) throw new IllegalArgumentException("maxRegionMiB must be 1..1048576, was " + maxRegionMiB);
        if (regionMiB < 1 || regionMiB > maxRegionMiB)
            throw new IllegalArgumentException("regionMiB must be 1..maxRegionMiB (" + maxRegionMiB + "), was " + regionMiB);
        if (spinMicros < 0 || spinMicros > 1_000_000) throw new IllegalArgumentException("spinMicros must be 0..1000000, was " + spinMicros);
        if (maxFrameBytes < Wire.HELLO_MAX_PAYLOAD + Wire.HEADER_SIZE || maxFrameBytes > Wire.ABSOLUTE_MAX_PAYLOAD + Wire.HEADER_SIZE)
            throw new IllegalArgumentException("maxFrameBytes must be " + (Wire.HELLO_MAX_PAYLOAD + Wire.HEADER_SIZE) + ".."
                    + (Wire.ABSOLUTE_MAX_PAYLOAD + Wire.HEADER_SIZE) + ", was " + maxFrameBytes);
        if (bindAddress == null || bindAddress.isBlank()) bindAddress = "0.0.0.0";
        if (advertisedHost == null) advertisedHost = "";
        if (ucx == null) ucx = UcxConfig.parse();
    }

    public static RdmaSettings defaults() {
        return new RdmaSettings("0.0.0.0", 9961, "", true, 256, 4096, false, 50, Wire.DEFAULT_MAX_PAYLOAD + Wire.HEADER_SIZE, UcxConfig.parse());
    }

    static RdmaSettings from(RdmaConfig c) {
        return new RdmaSettings(c.bindAddress(), c.port(), c.advertisedHost(), c.rma(), c.regionMiB(), c.maxRegionMiB(), c.busyPoll(),
                c.spinMicros(), c.maxFrameBytes(), UcxConfig.parse(c.ucx()));
    }

    /** Changes that need a new listener or a new UCX context (the rest applies to new connections). */
    boolean relisten(RdmaSettings o) {
        return port != o.port || !bindAddress.equals(o.bindAddress) || !advertisedHost.equals(o.advertisedHost) || !ucx.equals(o.ucx);
    }

    public RdmaSettings withPort(int p) {
        return new RdmaSettings(bindAddress, p, advertisedHost, rma, regionMiB, maxRegionMiB, busyPoll, spinMicros, maxFrameBytes, ucx);
    }

    /** Binds the rendezvous to {@code a} and advertises it as the host (loopback tests, the benchmark). */
    public RdmaSettings withBindAddress(String a) {
        return new RdmaSettings(a, port, a, rma, regionMiB, maxRegionMiB, busyPoll, spinMicros, maxFrameBytes, ucx);
    }

    public RdmaSettings withRma(boolean on) {
        return new RdmaSettings(bindAddress, port, advertisedHost, on, regionMiB, maxRegionMiB, busyPoll, spinMicros, maxFrameBytes, ucx);
    }

    public RdmaSettings withRegionMiB(int mib) {
        return new RdmaSettings(bindAddress, port, advertisedHost, rma, mib, Math.max(mib, maxRegionMiB), busyPoll, spinMicros, maxFrameBytes, ucx);
    }

    public RdmaSettings withUcx(String... entries) {
        return new RdmaSettings(bindAddress, port, advertisedHost, rma, regionMiB, maxRegionMiB, busyPoll, spinMicros, maxFrameBytes, UcxConfig.parse(entries));
    }
}
