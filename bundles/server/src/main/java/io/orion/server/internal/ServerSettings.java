package io.orion.server.internal;

import java.time.Duration;

import java.util.List;

import io.orion.protocol.Wire;
import io.orion.server.internal.gate.ComputeMode;
import io.orion.server.internal.gate.GateSettings;

/**
 * Validated server settings, from {@link ServerConfig} or built directly (tests and the benchmark
 * run the server without OSGi).
 *
 * @param disconnectGrace  how long a session whose client connection broke waits to be resumed
 * @param transportGrace   how long a session waits whose connection a transport closed while
 *                         shutting down (a transport swap): long enough for the client to reconnect
 * @param autoGrant        whether a client without granted vGPUs may have the server grant itself some
 * @param maxPayload       largest frame payload accepted, bytes
 * @param chunkBytes       size of the frames a device-to-host copy is sent back in
 * @param reaperPeriod     how often detached sessions past their grace period are freed
 * @param serverName       how the server introduces itself in HELLO_OK
 */
public record ServerSettings(Duration disconnectGrace, Duration transportGrace, boolean autoGrant, int maxPayload,
                             int chunkBytes, Duration reaperPeriod, String serverName) {

    public ServerSettings {
        if (disconnectGrace.isNegative()) throw new IllegalArgumentException("disconnectGraceMillis must be >= 0, was " + disconnectGrace.toMillis());
        if (transportGrace.isNegative()) throw new IllegalArgumentException("transportGraceMillis must be >= 0, was " + transportGrace.toMillis());
        if (maxPayload < Wire.HELLO_MAX_PAYLOAD || maxPayload > Wire.ABSOLUTE_MAX_PAYLOAD)
            throw new IllegalArgumentException("maxPayloadBytes must be " + Wire.HELLO_MAX_PAYLOAD + ".." + Wire.ABSOLUTE_MAX_PAYLOAD + ", was " + maxPayload);
        if (chunkBytes < 4096 || chunkBytes > maxPayload - 64)
            throw new IllegalArgumentException("chunkBytes must be 4096.." + (maxPayload - 64) + ", was " + chunkBytes);
        if (reaperPeriod.toMillis() < 10 || reaperPeriod.toMillis() > 1000)
            throw new IllegalArgumentException("reaperPeriodMillis must be 10..1000, was " + reaperPeriod.toMillis());
        if (serverName == null || serverName.isBlank()) serverName = "orion-server";
    }

    /**
     * Settings for a server wired without OSGi (tests, the benchmark): automatic grants on, since
     * no controller grants there. The platform's default (ServerConfig) has them off.
     */
    public static ServerSettings defaults() {
        return new ServerSettings(Duration.ofMillis(500), Duration.ofSeconds(60), true, Wire.DEFAULT_MAX_PAYLOAD,
                1 << 20, Duration.ofMillis(100), "orion-server");
    }

    static ServerSettings from(ServerConfig c) {
        return new ServerSettings(Duration.ofMillis(c.disconnectGraceMillis()), Duration.ofMillis(c.transportGraceMillis()),
                c.autoGrant(), c.maxPayloadBytes(), c.chunkBytes(), Duration.ofMillis(c.reaperPeriodMillis()), c.serverName());
    }

    /** The compute gate's settings of a configuration; errors name the key and the value. */
    static GateSettings gate(ServerConfig c) {
        return new GateSettings(ComputeMode.parse(c.computeMode(), "computeMode", true), splitEach(c.computeVgpuModes()),
                Duration.ofMillis(c.computeSliceMillis()), Duration.ofMillis(c.computeLookaheadMillis()),
                Duration.ofNanos(c.computeQuantumMicros() * 1000), Duration.ofNanos(c.computeIdleGraceMicros() * 1000),
                Duration.ofMillis(c.computeShareWindowMillis()));
    }

    /** A .cfg file gives a list as one text, "a=strict,b=elastic": each element is split on commas too. */
    static List<String> splitEach(String[] values) {
        return java.util.Arrays.stream(values).flatMap(v -> java.util.Arrays.stream(v.split(","))).map(String::trim)
                .filter(v -> !v.isEmpty()).toList();
    }

    public ServerSettings withDisconnectGrace(Duration d) {
        return new ServerSettings(d, transportGrace, autoGrant, maxPayload, chunkBytes, reaperPeriod, serverName);
    }

    public ServerSettings withTransportGrace(Duration d) {
        return new ServerSettings(disconnectGrace, d, autoGrant, maxPayload, chunkBytes, reaperPeriod, serverName);
    }

    public ServerSettings withAutoGrant(boolean on) {
        return new ServerSettings(disconnectGrace, transportGrace, on, maxPayload, chunkBytes, reaperPeriod, serverName);
    }

    public ServerSettings withChunkBytes(int bytes) {
        return new ServerSettings(disconnectGrace, transportGrace, autoGrant, maxPayload, bytes, reaperPeriod, serverName);
    }
}
