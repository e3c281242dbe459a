package io.orion.transport.rdma.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** What makes a benchmark run an RDMA one: the lanes in UCX's log (lines as UCX 1.13 prints them). */
class LanesTest {
    private static final String PREFIX = "[1795894933.141741] [vm:29344:0]      ucp_worker.c:1763 UCX  INFO    ";

    @Test
    void rcAndDcAndUdLanesAreRdma() {
        Lanes l = Lanes.of(List.of(PREFIX + "ep_cfg[0]: tag(rc_mlx5/mlx5_0:1) rma(rc_mlx5/mlx5_0:1) ka(ud_mlx5/mlx5_0:1)",
                PREFIX + "ep_cfg[1]: tag(dc_mlx5/mlx5_1:1) rma(rc_verbs/mlx5_1:1 ud_verbs/mlx5_1:1)"));
        assertTrue(l.rdma(), l.describe());
        assertEquals("tag(rc_mlx5/mlx5_0:1) rma(rc_mlx5/mlx5_0:1) ka(ud_mlx5/mlx5_0:1) tag(dc_mlx5/mlx5_1:1) rma(rc_verbs/mlx5_1:1 ud_verbs/mlx5_1:1)",
                l.describe());
    }

    @Test
    void sharedMemoryOrTcpIsNot() {
        assertFalse(Lanes.of(List.of(PREFIX + "ep_cfg[0]: tag(tcp/eth0) rma_am(tcp/eth0) ka(tcp/eth0)")).rdma());
        assertFalse(Lanes.of(List.of(PREFIX + "ep_cfg[0]: tag(posix/memory) rma(posix/memory) ka(posix/memory)")).rdma());
    }

    @Test
    void oneLaneOffRdmaSpoilsTheRun() {
        // two nodes' endpoints, one of them over shared memory (a "local" run on an RDMA machine)
        assertFalse(Lanes.of(List.of(PREFIX + "ep_cfg[0]: tag(rc_mlx5/mlx5_0:1) rma(rc_mlx5/mlx5_0:1)",
                PREFIX + "ep_cfg[1]: tag(sysv/memory) rma(rc_mlx5/mlx5_0:1)")).rdma());
    }

    @Test
    void noLanesSeenIsNotRdma() {
        Lanes l = Lanes.of(List.of(PREFIX + "Version 1.13.1", "unrelated"));
        assertFalse(l.rdma());
        assertTrue(l.describe().startsWith("unknown (no ep_cfg line"), l.describe());
        assertFalse(Lanes.of(List.of(PREFIX + "ep_cfg[0]: ka(ud_mlx5/mlx5_0:1)")).rdma(), "keepalive alone carries no data");
    }
}
