package io.orion.api.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class VgpuRequestTest {

    @Test
    void badValuesAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VgpuRequest.of(0, 100, 10)).getMessage().contains("count"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VgpuRequest.of(65, 100, 10)).getMessage().contains("65"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VgpuRequest.of(1, 0, 10)).getMessage().contains("memoryMiB"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VgpuRequest.of(1, 100, 101)).getMessage().contains("ratio"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VgpuRequest.of(1, 100, 0)).getMessage().contains("ratio"));
    }

    @Test
    void nullsBecomeEmptyAndCopiesKeepTheRest() {
        VgpuRequest r = new VgpuRequest(2, 1024, 50, null, false, null);
        assertEquals("", r.groupId());
        assertEquals("", r.node());
        VgpuRequest g = r.withGroup("pod-1").withCrossNode(true).onNode("n1");
        assertEquals(new VgpuRequest(2, 1024, 50, "pod-1", true, "n1"), g);
        assertEquals(2048, g.totalMemoryMiB());
    }

    @Test
    void aPlacementNeverPutsTwoVgpusOfOneRequestOnOneGpu() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Placement.placed(List.of(new Slot("n", "GPU-1"), new Slot("n", "GPU-1"))));
        assertTrue(e.getMessage().contains("GPU-1"));
        assertThrows(IllegalArgumentException.class, () -> Placement.placed(List.of()));
    }

    @Test
    void gpuViewArithmetic() {
        GpuView g = new GpuView(new GpuSpec("GPU-1", "T4", 15360, 40, 7, 5, 2), "n", 0, 0, 0, 0);
        assertTrue(g.fits(15360, 100));
        GpuView used = g.plus(10000, 60).plus(5000, 40);
        assertEquals(360, used.freeMemoryMiB());
        assertEquals(0, used.freeRatio());
        assertEquals(0, used.freeSlots());
        assertTrue(!used.fits(1, 1));
        assertEquals(g, used.minus(10000, 60).minus(5000, 40));
        assertEquals(g, g.minus(1, 1), "never below zero");
    }

    @Test
    void specRejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new GpuSpec(" ", "m", 1, 1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new GpuSpec("GPU-1", "m", 0, 1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new GpuSpec("GPU-1", "m", 1, 1, 1, 1, 0));
    }
}
