package io.orion.store.journal.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.orion.api.pool.Allocation;
import io.orion.api.pool.NodeState;
import io.orion.api.pool.Vgpu;
import io.orion.api.pool.VgpuRequest;
import io.orion.api.store.AllocationRecord;
import io.orion.api.store.NodeRecord;
import io.orion.api.store.StateChange;

import org.junit.jupiter.api.Test;

class ChangeCodecTest {
    private final Json json = new Json();

    private List<StateChange> roundTrip(List<StateChange> changes) throws Exception {
        byte[] encoded = json.encodeChanges(changes);
        String text = new String(encoded, StandardCharsets.UTF_8);
        assertFalse(text.contains("\n"), "encoded changes hold no raw newline: " + text);
        JsonNode array = new ObjectMapper().readTree("[" + text + "]");
        List<StateChange> back = new ArrayList<>();
        for (JsonNode n : array) back.add(json.codec().readChange(n));
        return back;
    }

    @Test
    void everyChangeTypeRoundTrips() throws Exception {
        List<StateChange> changes = Fixtures.everyKind();
        assertEquals(changes, roundTrip(changes));
        assertEquals(5, changes.stream().map(Object::getClass).distinct().count(), "the fixture covers all change types");
    }

    @Test
    void awkwardStringsAndNullsRoundTrip() throws Exception {
        String awkward = "line\nbreak \"quoted\" \\ tab\t nul\u0000 é 漢字 🚀 \u2028";
        NodeRecord node = new NodeRecord(awkward, "", Map.of(awkward, awkward), List.of(Fixtures.gpu(awkward, 0)), null);
        VgpuRequest request = new VgpuRequest(64, Long.MAX_VALUE, 100, awkward, false, awkward);
        Vgpu vgpu = new Vgpu(awkward, null, Integer.MAX_VALUE, null, null, Long.MIN_VALUE, -1, null);
        AllocationRecord a = new AllocationRecord(new Allocation(awkward, request, List.of(vgpu), null, null), null);
        List<StateChange> changes = List.of(
                new StateChange.NodePut(node),
                new StateChange.NodeStateChanged(awkward, null),
                new StateChange.AllocationPut(a),
                new StateChange.AllocationRemoved(awkward, null, null),
                new StateChange.NodeRemoved(null));
        assertEquals(changes, roundTrip(changes));
    }

    @Test
    void instantsKeepNanoseconds() throws Exception {
        AllocationRecord a = Fixtures.allocation("alloc-ns", "n1", 1);
        StateChange back = roundTrip(List.of(Fixtures.put(a))).getFirst();
        assertEquals(Fixtures.T0, ((StateChange.AllocationPut) back).allocation().allocation().created());
        assertEquals(123456789, Fixtures.T0.getNano());
    }

    @Test
    void fieldNamesAreTheDocumentedOnes() {
        String text = new String(json.encodeChanges(List.of(Fixtures.put(Fixtures.allocation("a1", "n1", 512)))),
                StandardCharsets.UTF_8);
        for (String field : List.of("\"type\":\"allocation-put\"", "\"allocation\":{\"id\":\"a1\"", "\"owner\"",
                "\"created\":\"2026-11-28T10:15:30.123456789Z\"", "\"leaseUntil\"", "\"request\":{\"count\":2",
                "\"memoryMiB\":512", "\"ratio\":50", "\"groupId\"", "\"crossNode\":true", "\"vgpus\":[{\"id\"",
                "\"allocationId\"", "\"index\":0", "\"gpuUuid\""))
            assertTrue(text.contains(field), field + " in " + text);
    }

    @Test
    void unknownTypeAndBadFieldsAreNamed() throws Exception {
        ObjectMapper m = new ObjectMapper();
        var e1 = assertThrows(ChangeCodec.FormatException.class,
                () -> json.codec().readChange(m.readTree("{\"type\":\"gpu-melted\"}")));
        assertTrue(e1.getMessage().contains("'gpu-melted'"), e1.getMessage());
        var e2 = assertThrows(ChangeCodec.FormatException.class,
                () -> json.codec().readChange(m.readTree("{\"type\":\"node-state\",\"name\":\"n1\",\"state\":\"MELTED\"}")));
        assertTrue(e2.getMessage().contains("'MELTED'"), e2.getMessage());
        var e3 = assertThrows(ChangeCodec.FormatException.class,
                () -> json.codec().readChange(m.readTree("{\"type\":\"node-removed\"}")));
        assertTrue(e3.getMessage().contains("'name'"), e3.getMessage());
        String gpu = "{\"uuid\":\"GPU-1\",\"model\":\"m\",\"memoryMiB\":0,\"smCount\":1,\"ccMajor\":9,\"ccMinor\":0,\"vgpuSlots\":1}";
        var e4 = assertThrows(ChangeCodec.FormatException.class, () -> json.codec().readChange(m.readTree(
                "{\"type\":\"node-put\",\"node\":{\"name\":\"n\",\"address\":\"a\",\"transports\":{},\"gpus\":[" + gpu
                        + "],\"state\":\"UP\"}}")));
        assertTrue(e4.getMessage().contains("memoryMiB must be > 0, was 0"), e4.getMessage());
    }

    @Test
    void laterFormatFieldsAreIgnored() throws Exception {
        JsonNode n = new ObjectMapper().readTree(
                "{\"type\":\"node-state\",\"name\":\"n1\",\"state\":\"DOWN\",\"reason\":\"added in a later version\"}");
        assertEquals(new StateChange.NodeStateChanged("n1", NodeState.DOWN), json.codec().readChange(n));
    }
}
