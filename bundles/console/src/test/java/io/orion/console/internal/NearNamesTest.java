package io.orion.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class NearNamesTest {

    @Test
    void suggestsTheClosestKnownNames() {
        List<String> keys = List.of("policy", "fallbackPolicy", "backend", "backendPreference", "transports");
        assertEquals(List.of("policy"), NearNames.near("polcy", keys));
        assertEquals(List.of("transports"), NearNames.near("transport", keys));
        assertEquals(List.of("backend"), NearNames.near("Backend", keys));
        assertEquals("; did you mean io.orion.core?", NearNames.didYouMean("io.orion.cor", List.of("io.orion.core", "io.orion.controller")));
    }

    @Test
    void saysNothingWhenNothingIsClose() {
        assertEquals(List.of(), NearNames.near("memory", List.of("policy", "transports")));
        assertEquals("", NearNames.didYouMean("xyz", List.of("policy")));
    }

    @Test
    void distanceCountsEdits() {
        assertEquals(0, NearNames.distance("abc", "abc"));
        assertEquals(1, NearNames.distance("abc", "abd"));
        assertEquals(1, NearNames.distance("abc", "ab"));
        assertEquals(2, NearNames.distance("memoryWieght", "memoryWeight"));
        assertEquals(3, NearNames.distance("", "abc"));
    }
}
