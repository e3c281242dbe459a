package io.orion.server.internal.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class GateSettingsTest {

    @Test
    void perVgpuModesMatchIdOrGroupFirstRuleWins() {
        GateSettings s = GateSettings.defaults().withVgpuModes(List.of("train-*=strict", "pod-?=elastic", "*=strict"));
        assertEquals(ComputeMode.STRICT, s.modeOf("train-7", ""));
        assertEquals(ComputeMode.ELASTIC, s.modeOf("x", "pod-1"));
        assertEquals(ComputeMode.STRICT, s.modeOf("x", "pod-12"));
        assertEquals(ComputeMode.ELASTIC, GateSettings.defaults().modeOf("x", ""));
        assertEquals(ComputeMode.STRICT, GateSettings.defaults().withMode(ComputeMode.STRICT).modeOf("x", ""));
        assertEquals(ComputeMode.ELASTIC, GateSettings.defaults().withVgpuModes(List.of("a.b=elastic")).withMode(ComputeMode.STRICT)
                .modeOf("a.b", ""), "dots are literal");
        assertEquals(ComputeMode.STRICT, GateSettings.defaults().withVgpuModes(List.of("a.b=elastic")).withMode(ComputeMode.STRICT)
                .modeOf("axb", ""));
    }

    @Test
    void badValuesAreNamed() {
        assertEquals("computeMode must be strict, elastic or off, was 'fast'",
                assertThrows(IllegalArgumentException.class, () -> ComputeMode.parse("fast", "computeMode", true)).getMessage());
        assertEquals("computeVgpuModes entries are PATTERN=strict|elastic, was 'vgpu-1'",
                assertThrows(IllegalArgumentException.class, () -> GateSettings.defaults().withVgpuModes(List.of("vgpu-1"))).getMessage());
        assertEquals("the mode in computeVgpuModes entry 'v=off' must be strict or elastic, was 'off'",
                assertThrows(IllegalArgumentException.class, () -> GateSettings.defaults().withVgpuModes(List.of("v=off"))).getMessage());
        assertEquals("computeSliceMillis must be 1 ms..1000 ms, was 0 ms",
                assertThrows(IllegalArgumentException.class, () -> GateSettings.defaults().withSlice(Duration.ZERO)).getMessage());
        assertEquals("computeShareWindowMillis must be 500 ms..60000 ms, was 100 ms",
                assertThrows(IllegalArgumentException.class, () -> GateSettings.defaults().withShareWindow(Duration.ofMillis(100))).getMessage());
    }
}
