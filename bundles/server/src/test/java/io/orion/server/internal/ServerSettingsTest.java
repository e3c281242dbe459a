package io.orion.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class ServerSettingsTest {

    @Test
    void aCfgFilesCommaListIsSplitIntoRules() {
        assertEquals(List.of("train-*=strict", "pod-42=elastic", "x=strict"),
                ServerSettings.splitEach(new String[] {"train-*=strict, pod-42=elastic", "x=strict", " "}));
    }
}
