package io.orion.server.internal;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import io.orion.api.backend.GpuDevice;
import io.orion.api.server.VgpuGrant;

import org.junit.jupiter.api.Test;

/**
 * What the grants give the compute gate for groups: the vGPUs of one group on one GPU share one
 * group account (kept while any of them is granted), and every changed ratio is numbered, so that
 * the gate can take the ratio set last as the group's.
 */
class GrantsTest {
    private static final GpuDevice GPU0 = new GpuDevice(0, "GPU-0", "Fake GPU", 1L << 30, 4, 9, 0, "", Map.of());
    private static final GpuDevice GPU1 = new GpuDevice(1, "GPU-1", "Fake GPU", 1L << 30, 4, 9, 0, "", Map.of());
    private final Grants grants = new Grants();
    private final List<GpuDevice> devices = List.of(GPU0, GPU1);

    private Grant grant(String id, String gpu, int ratio, String group) {
        grants.grant(new VgpuGrant(id, gpu, 64, ratio, group), devices);
        return grants.get(id).orElseThrow();
    }

    @Test
    void vgpusOfOneGroupOnOneGpuShareTheGroupAccount() {
        Grant a = grant("pod-a", "GPU-0", 30, "pod"), b = grant("pod-b", "GPU-0", 30, "pod");
        Grant elsewhere = grant("pod-c", "GPU-1", 30, "pod"), other = grant("other", "GPU-0", 30, "other-pod");
        Grant alone = grant("alone", "GPU-0", 30, "");
        assertSame(a.groupAccount(), b.groupAccount(), "one account for the pod on GPU-0");
        assertNotSame(a.account(), a.groupAccount(), "its own account is apart from its group's");
        assertNotSame(a.groupAccount(), elsewhere.groupAccount(), "a ratio is a share of one GPU: the pod on GPU-1 is apart");
        assertNotSame(a.groupAccount(), other.groupAccount());
        assertSame(alone.account(), alone.groupAccount(), "without a group, its own");
        // the account lives while any of the group's vGPUs there is granted
        grants.remove("pod-a");
        Grant d = grant("pod-d", "GPU-0", 30, "pod");
        assertSame(b.groupAccount(), d.groupAccount());
    }

    @Test
    void aChangedRatioIsNumberedAfterEveryEarlierOne() {
        Grant a = grant("pod-a", "GPU-0", 30, "pod"), b = grant("pod-b", "GPU-0", 60, "pod");
        assertTrue(b.ratioVersion() > a.ratioVersion(), "granted later");
        grants.resize("pod-a", 64, 20);
        assertTrue(a.ratioVersion() > b.ratioVersion(), "resized later");
        long v = a.ratioVersion();
        grants.resize("pod-a", 128, 20);
        grants.grant(new VgpuGrant("pod-a", "GPU-0", 128, 20, "pod"), devices); // the agent's periodic sync
        assertTrue(a.ratioVersion() == v, "a grant or resize that keeps the ratio does not make it the latest");
    }

    @Test
    void anUnusedVgpuMovedToAnotherGroupTakesThatGroupsAccount() {
        Grant a = grant("pod-a", "GPU-0", 30, "pod"), x = grant("x", "GPU-0", 30, "");
        grant("x", "GPU-0", 30, "pod");
        assertSame(a.groupAccount(), x.groupAccount());
        grant("x", "GPU-1", 30, "pod");
        assertNotSame(a.groupAccount(), x.groupAccount());
    }
}
