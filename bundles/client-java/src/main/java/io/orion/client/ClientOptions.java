package io.orion.client;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to open a session.
 *
 * @param endpoints      where servers listen, tried in order: {@code tcp://host:port} or
 *                       {@code shm:///dev/shm/orion/orion.sock}; reconnects go through the same list
 * @param vgpuIds        granted vGPUs to open (device order); empty to ask for automatic ones
 * @param autoCount      without vGPU ids: how many vGPUs to ask for ({@code ORION_VGPU})
 * @param autoMemoryMiB  memory of each ({@code ORION_GMEM}); 0 for a whole GPU's
 * @param autoRatio      compute share of each, percent ({@code ORION_RATIO}); 0 for 100
 * @param groupId        accounting group ({@code ORION_GROUP_ID}); empty for none
 * @param clientName     how operators see this program
 * @param connectTimeout how long one connection attempt may take
 * @param resumeWindow   how long to keep trying to reconnect and resume after a connection breaks;
 *                       zero to fail at once
 * @param busyPoll       spin while waiting for replies instead of sleeping (lowest latency, a busy core)
 * @param spinMicros     otherwise, how long to spin before sleeping
 * @param shmRegionMiB   payload region to ask an shm server for; 0 for its default
 * @param chunkBytes     host-to-device copies over TCP travel in frames of this size
 */
public record ClientOptions(List<String> endpoints, List<String> vgpuIds, int autoCount, long autoMemoryMiB,
                            int autoRatio, String groupId, String clientName, Duration connectTimeout,
                            Duration resumeWindow, boolean busyPoll, int spinMicros, int shmRegionMiB, int chunkBytes) {
    public ClientOptions {
        endpoints = List.copyOf(endpoints);
        vgpuIds = List.copyOf(vgpuIds);
        if (endpoints.isEmpty()) throw new IllegalArgumentException("at least one endpoint is needed");
        if (vgpuIds.isEmpty() && autoCount < 1) throw new IllegalArgumentException("name vGPUs or ask for at least one (autoCount)");
        if (autoCount < 0 || autoCount > 64) throw new IllegalArgumentException("autoCount must be 0..64, was " + autoCount);
        if (autoRatio < 0 || autoRatio > 100) throw new IllegalArgumentException("autoRatio must be 0..100, was " + autoRatio);
        if (autoMemoryMiB < 0 || autoMemoryMiB > 0xffff_ffffL) throw new IllegalArgumentException("autoMemoryMiB out of range: " + autoMemoryMiB);
        groupId = Objects.requireNonNullElse(groupId, "");
        clientName = Objects.requireNonNullElse(clientName, "java");
        if (chunkBytes < 4096) throw new IllegalArgumentException("chunkBytes must be >= 4096, was " + chunkBytes);
        if (spinMicros < 0) throw new IllegalArgumentException("spinMicros must be >= 0, was " + spinMicros);
    }

    /** One automatic vGPU of {@code memoryMiB} on the server at {@code endpoint}. */
    public static ClientOptions of(String endpoint, long memoryMiB) {
        return new ClientOptions(List.of(endpoint), List.of(), 1, memoryMiB, 100, "", "java", Duration.ofSeconds(5),
                Duration.ofSeconds(10), false, 50, 0, 1 << 20);
    }

    public ClientOptions withEndpoints(List<String> e) {
        return new ClientOptions(e, vgpuIds, autoCount, autoMemoryMiB, autoRatio, groupId, clientName, connectTimeout, resumeWindow, busyPoll, spinMicros, shmRegionMiB, chunkBytes);
    }

    public ClientOptions withVgpus(List<String> ids) {
        return new ClientOptions(endpoints, ids, 0, 0, 0, groupId, clientName, connectTimeout, resumeWindow, busyPoll, spinMicros, shmRegionMiB, chunkBytes);
    }

    public ClientOptions withAuto(int count, long memoryMiB, int ratio) {
        return new ClientOptions(endpoints, List.of(), count, memoryMiB, ratio, groupId, clientName, connectTimeout, resumeWindow, busyPoll, spinMicros, shmRegionMiB, chunkBytes);
    }

    public ClientOptions withGroup(String g) {
        return new ClientOptions(endpoints, vgpuIds, autoCount, autoMemoryMiB, autoRatio, g, clientName, connectTimeout, resumeWindow, busyPoll, spinMicros, shmRegionMiB, chunkBytes);
    }

    public ClientOptions withClientName(String n) {
        return new ClientOptions(endpoints, vgpuIds, autoCount, autoMemoryMiB, autoRatio, groupId, n, connectTimeout, resumeWindow, busyPoll, spinMicros, shmRegionMiB, chunkBytes);
    }

    public ClientOptions withResumeWindow(Duration d) {
        return new ClientOptions(endpoints, vgpuIds, autoCount, autoMemoryMiB, autoRatio, groupId, clientName, connectTimeout, d, busyPoll, spinMicros, shmRegionMiB, chunkBytes);
    }

    public ClientOptions withBusyPoll(boolean b) {
        return new ClientOptions(endpoints, vgpuIds, autoCount, autoMemoryMiB, autoRatio, groupId, clientName, connectTimeout, resumeWindow, b, spinMicros, shmRegionMiB, chunkBytes);
    }

    public ClientOptions withShmRegionMiB(int mib) {
        return new ClientOptions(endpoints, vgpuIds, autoCount, autoMemoryMiB, autoRatio, groupId, clientName, connectTimeout, resumeWindow, busyPoll, spinMicros, mib, chunkBytes);
    }

    public ClientOptions withChunkBytes(int bytes) {
        return new ClientOptions(endpoints, vgpuIds, autoCount, autoMemoryMiB, autoRatio, groupId, clientName, connectTimeout, resumeWindow, busyPoll, spinMicros, shmRegionMiB, bytes);
    }
}
