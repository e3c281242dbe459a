package io.orion.transport.shm.internal;

import java.nio.file.Path;

/**
 * Validated settings of the shared-memory transport, from {@link ShmConfig} or built directly.
 *
 * @param directory        where the rendezvous socket and the connections' files live (clients must see it)
 * @param socketName       the rendezvous socket's file name in {@code directory}
 * @param regionMiB        payload region of a connection when the client asks for none in particular
 * @param maxRegionMiB     the largest region a client may ask for
 * @param requestRingKiB   request ring (client to server) data size; a power of two
 * @param replyRingKiB     reply ring (server to client) data size; a power of two
 * @param busyPoll         the server's poller never sleeps (lowest latency, one busy core per connection)
 * @param spinMicros       otherwise, how long it spins before it parks on the futex
 * @param parkMillis       longest single park; bounds how late a dead client is noticed
 * @param fileMode         POSIX permissions of the socket and of the files, e.g. rw-rw-rw-
 */
public record ShmSettings(Path directory, String socketName, int regionMiB, int maxRegionMiB, int requestRingKiB,
                          int replyRingKiB, boolean busyPoll, int spinMicros, int parkMillis, String fileMode) {
    public ShmSettings {
        if (directory == null) throw new IllegalArgumentException("directory must be set");
        if (socketName == null || socketName.isBlank() || socketName.contains("/"))
            throw new IllegalArgumentException("socketName must be a plain file name, was '" + socketName + "'");
        if (regionMiB < 0 || regionMiB > maxRegionMiB)
            throw new IllegalArgumentException("regionMiB must be 0..maxRegionMiB (" + maxRegionMiB + "), was " + regionMiB);
        if (maxRegionMiB > 1 << 20) throw new IllegalArgumentException("maxRegionMiB must be at most 1048576, was " + maxRegionMiB);
        checkRing("requestRingKiB", requestRingKiB);
        checkRing("replyRingKiB", replyRingKiB);
        if (spinMicros < 0 || spinMicros > 1_000_000) throw new IllegalArgumentException("spinMicros must be 0..1000000, was " + spinMicros);
        if (parkMillis < 1 || parkMillis > 1000) throw new IllegalArgumentException("parkMillis must be 1..1000, was " + parkMillis);
        java.nio.file.attribute.PosixFilePermissions.fromString(fileMode); // validates
    }

    /** A ring carries frames of up to a quarter of it; 512 KiB keeps that above the protocol's 64 KiB minimum payload. */
    private static void checkRing(String name, int kib) {
        if (kib < 512 || kib > (1 << 20) || Integer.bitCount(kib) != 1)
            throw new IllegalArgumentException(name + " must be a power of two from 512 to 1048576, was " + kib);
    }

    public static ShmSettings defaults() {
        return new ShmSettings(Path.of("/dev/shm/orion"), "orion.sock", 256, 4096, 4096, 1024, false, 50, 100, "rw-rw-rw-");
    }

    static ShmSettings from(ShmConfig c) {
        return new ShmSettings(Path.of(c.directory()), c.socketName(), c.regionMiB(), c.maxRegionMiB(), c.requestRingKiB(),
                c.replyRingKiB(), c.busyPoll(), c.spinMicros(), c.parkMillis(), c.fileMode());
    }

    public Path socketPath() { return directory.resolve(socketName); }

    public ShmSettings withDirectory(Path d) {
        return new ShmSettings(d, socketName, regionMiB, maxRegionMiB, requestRingKiB, replyRingKiB, busyPoll, spinMicros, parkMillis, fileMode);
    }

    public ShmSettings withRegionMiB(int mib) {
        return new ShmSettings(directory, socketName, mib, Math.max(mib, maxRegionMiB), requestRingKiB, replyRingKiB, busyPoll, spinMicros, parkMillis, fileMode);
    }

    public ShmSettings withBusyPoll(boolean b) {
        return new ShmSettings(directory, socketName, regionMiB, maxRegionMiB, requestRingKiB, replyRingKiB, b, spinMicros, parkMillis, fileMode);
    }
}
