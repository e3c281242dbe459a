package io.orion.controller.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.orion.api.pool.Vgpu;

/**
 * Who books what on each GPU. A GPU's tenants are its groups (all vGPUs of one
 * {@code ORION_GROUP_ID} there) and its vGPUs without a group. The server's gate and memory
 * quota treat a group's vGPUs on one GPU as one tenant with one ratio and one quota
 * (docs/compute-sharing.md, "Groups"), so a tenant books the <em>largest</em> memory and the
 * largest ratio of its vGPUs there, not their sum: a pod of three processes at 60 % takes 60 %
 * of its GPU, not 180 %. Not thread-safe; {@link PoolState} uses it under the pool's lock.
 */
final class TenantBookings {

    /** Where a vGPU stands in its group's order: by its allocation's age, then its index. */
    record Seniority(Instant created, String allocationId, int index) {
        static final Comparator<Seniority> ORDER = Comparator.comparing(Seniority::created)
                .thenComparing(Seniority::allocationId).thenComparingInt(Seniority::index);
    }

    private record Member(Vgpu vgpu, Seniority seniority) {}

    /** GPU UUID → tenant key → the tenant's vGPUs there. */
    private final Map<String, Map<String, Map<String, Member>>> byGpu = new HashMap<>();
    /** Group → GPU UUID → the group's vGPUs there (ids). Only for vGPUs with a group. */
    private final Map<String, Map<String, Map<String, Member>>> byGroup = new HashMap<>();

    private static String tenant(Vgpu v) {
        return v.groupId().isEmpty() ? "vgpu:" + v.id() : "group:" + v.groupId();
    }

    private Map<String, Member> members(String gpuUuid, String tenant) {
        Map<String, Map<String, Member>> tenants = byGpu.get(gpuUuid);
        return tenants == null ? Map.of() : tenants.getOrDefault(tenant, Map.of());
    }

    /** What a tenant books on a GPU now. */
    private Booking booking(String gpuUuid, String tenant) {
        Booking b = Booking.NONE;
        for (Member m : members(gpuUuid, tenant).values()) b = b.max(m.vgpu().memoryMiB(), m.vgpu().ratio());
        return b;
    }

    /** Adds a vGPU; answers by how much its tenant's booking on its GPU grew. */
    Booking add(Vgpu v, Seniority seniority) {
        String tenant = tenant(v);
        Booking before = booking(v.gpuUuid(), tenant);
        Member m = new Member(v, seniority);
        byGpu.computeIfAbsent(v.gpuUuid(), k -> new HashMap<>()).computeIfAbsent(tenant, k -> new LinkedHashMap<>()).put(v.id(), m);
        if (!v.groupId().isEmpty())
            byGroup.computeIfAbsent(v.groupId(), k -> new HashMap<>()).computeIfAbsent(v.gpuUuid(), k -> new LinkedHashMap<>()).put(v.id(), m);
        return booking(v.gpuUuid(), tenant).minus(before);
    }

    /** Removes a vGPU; answers the change of its tenant's booking (zero or negative). */
    Booking remove(Vgpu v) {
        String tenant = tenant(v);
        Booking before = booking(v.gpuUuid(), tenant);
        Map<String, Map<String, Member>> tenants = byGpu.get(v.gpuUuid());
        if (tenants == null || tenants.get(tenant) == null || tenants.get(tenant).remove(v.id()) == null) return Booking.NONE;
        if (tenants.get(tenant).isEmpty()) tenants.remove(tenant);
        if (tenants.isEmpty()) byGpu.remove(v.gpuUuid());
        if (!v.groupId().isEmpty()) {
            Map<String, Map<String, Member>> gpus = byGroup.get(v.groupId());
            Map<String, Member> there = gpus.get(v.gpuUuid());
            there.remove(v.id());
            if (there.isEmpty()) gpus.remove(v.gpuUuid());
            if (gpus.isEmpty()) byGroup.remove(v.groupId());
        }
        return booking(v.gpuUuid(), tenant).minus(before);
    }

    /** Replaces a vGPU by a resized copy; answers the change of its tenant's booking. */
    Booking replace(Vgpu resized) {
        String tenant = tenant(resized);
        Member old = members(resized.gpuUuid(), tenant).get(resized.id());
        if (old == null) throw new IllegalStateException("vGPU " + resized.id() + " is not booked on " + resized.gpuUuid());
        Booking before = booking(resized.gpuUuid(), tenant);
        Member m = new Member(resized, old.seniority());
        byGpu.get(resized.gpuUuid()).get(tenant).put(resized.id(), m);
        if (!resized.groupId().isEmpty()) byGroup.get(resized.groupId()).get(resized.gpuUuid()).put(resized.id(), m);
        return booking(resized.gpuUuid(), tenant).minus(before);
    }

    /** How much the booking of {@code v}'s tenant would grow if {@code v} had this size. */
    Booking growthIfResized(Vgpu v, long memoryMiB, int ratio) {
        String tenant = tenant(v);
        Booking others = Booking.NONE;
        for (Member m : members(v.gpuUuid(), tenant).values())
            if (!m.vgpu().id().equals(v.id())) others = others.max(m.vgpu().memoryMiB(), m.vgpu().ratio());
        return others.max(memoryMiB, ratio).minus(booking(v.gpuUuid(), tenant));
    }

    /** How much a group's booking on a GPU would grow with one more vGPU of this size there. */
    Booking growthIfJoined(String groupId, String gpuUuid, long memoryMiB, int ratio) {
        Booking now = booking(gpuUuid, "group:" + groupId);
        return now.max(memoryMiB, ratio).minus(now);
    }

    /**
     * The GPUs a group holds vGPUs on, in the order of its oldest vGPU on each: the GPUs of the
     * group's first allocation in its vGPUs' order, then those its later allocations added. The
     * order depends only on what is stored, so it is the same after a restart.
     */
    List<String> gpusOf(String groupId) {
        Map<String, Map<String, Member>> gpus = byGroup.get(groupId);
        if (gpus == null) return List.of();
        List<Map.Entry<String, Seniority>> oldest = new ArrayList<>();
        gpus.forEach((uuid, members) -> oldest.add(Map.entry(uuid, members.values().stream()
                .map(Member::seniority).min(Seniority.ORDER).orElseThrow())));
        oldest.sort(Map.Entry.comparingByValue(Seniority.ORDER));
        return oldest.stream().map(Map.Entry::getKey).toList();
    }
}
