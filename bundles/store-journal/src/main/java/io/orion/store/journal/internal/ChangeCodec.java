package io.orion.store.journal.internal;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import io.orion.api.pool.Allocation;
import io.orion.api.pool.GpuSpec;
import io.orion.api.pool.NodeState;
import io.orion.api.pool.Vgpu;
import io.orion.api.pool.VgpuRequest;
import io.orion.api.store.AllocationRecord;
import io.orion.api.store.NodeRecord;
import io.orion.api.store.StateChange;

/**
 * Writes and reads the stored records as JSON with field names of its own (documented in
 * docs/state-store.md), not the Java component names: renaming a record component in the API
 * must not change the file format. Readers ignore fields they do not know, so a later format
 * version may add fields that this one skips.
 */
final class ChangeCodec {

    /** Thrown for a payload that is sound JSON but not a record this format knows. */
    static final class FormatException extends Exception {
        private static final long serialVersionUID = 1L;

        FormatException(String message) { super(message); }
    }

    // ---- changes ---------------------------------------------------------------------------

    void writeChange(JsonGenerator g, StateChange change) throws IOException {
        g.writeStartObject();
        switch (change) {
            case StateChange.NodePut p -> {
                g.writeStringField("type", "node-put");
                g.writeFieldName("node");
                writeNode(g, p.node());
            }
            case StateChange.NodeRemoved r -> {
                g.writeStringField("type", "node-removed");
                g.writeStringField("name", r.name());
            }
            case StateChange.NodeStateChanged s -> {
                g.writeStringField("type", "node-state");
                g.writeStringField("name", s.name());
                writeEnum(g, "state", s.state());
            }
            case StateChange.AllocationPut a -> {
                g.writeStringField("type", "allocation-put");
                g.writeFieldName("allocation");
                writeAllocation(g, a.allocation());
            }
            case StateChange.AllocationRemoved r -> {
                g.writeStringField("type", "allocation-removed");
                g.writeStringField("id", r.id());
                writeInstant(g, "at", r.at());
                g.writeStringField("why", r.why());
            }
        }
        g.writeEndObject();
    }

    StateChange readChange(JsonNode n) throws FormatException {
        String type = string(n, "type", "change");
        return switch (type) {
            case "node-put" -> new StateChange.NodePut(readNode(object(n, "node", type)));
            case "node-removed" -> new StateChange.NodeRemoved(nullableString(n, "name", type));
            case "node-state" -> new StateChange.NodeStateChanged(nullableString(n, "name", type), nodeState(n, type));
            case "allocation-put" -> new StateChange.AllocationPut(readAllocation(object(n, "allocation", type)));
            case "allocation-removed" -> new StateChange.AllocationRemoved(nullableString(n, "id", type),
                    instant(n, "at", type), nullableString(n, "why", type));
            default -> throw new FormatException("unknown change type '" + type + "'");
        };
    }

    // ---- nodes -----------------------------------------------------------------------------

    void writeNode(JsonGenerator g, NodeRecord node) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", node.name());
        g.writeStringField("address", node.address());
        g.writeObjectFieldStart("transports");
        for (Map.Entry<String, String> t : node.transports().entrySet()) g.writeStringField(t.getKey(), t.getValue());
        g.writeEndObject();
        g.writeArrayFieldStart("gpus");
        for (GpuSpec gpu : node.gpus()) writeGpu(g, gpu);
        g.writeEndArray();
        writeEnum(g, "state", node.state());
        g.writeEndObject();
    }

    NodeRecord readNode(JsonNode n) throws FormatException {
        JsonNode transports = object(n, "transports", "node");
        Map<String, String> byName = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> t : transports.properties()) {
            if (!t.getValue().isTextual())
                throw new FormatException("transport '" + t.getKey() + "' of a node is not a string: " + t.getValue());
            byName.put(t.getKey(), t.getValue().textValue());
        }
        List<GpuSpec> gpus = new ArrayList<>();
        for (JsonNode gpu : array(n, "gpus", "node")) gpus.add(readGpu(gpu));
        try {
            return new NodeRecord(nullableString(n, "name", "node"), nullableString(n, "address", "node"), byName, gpus,
                    nodeState(n, "node"));
        } catch (RuntimeException e) {
            throw new FormatException("node is not valid: " + e.getMessage());
        }
    }

    private void writeGpu(JsonGenerator g, GpuSpec gpu) throws IOException {
        g.writeStartObject();
        g.writeStringField("uuid", gpu.uuid());
        g.writeStringField("model", gpu.model());
        g.writeNumberField("memoryMiB", gpu.memoryMiB());
        g.writeNumberField("smCount", gpu.smCount());
        g.writeNumberField("ccMajor", gpu.ccMajor());
        g.writeNumberField("ccMinor", gpu.ccMinor());
        g.writeNumberField("vgpuSlots", gpu.vgpuSlots());
        g.writeEndObject();
    }

    private GpuSpec readGpu(JsonNode n) throws FormatException {
        String what = "gpu";
        try {
            return new GpuSpec(nullableString(n, "uuid", what), nullableString(n, "model", what), longValue(n, "memoryMiB", what),
                    intValue(n, "smCount", what), intValue(n, "ccMajor", what), intValue(n, "ccMinor", what),
                    intValue(n, "vgpuSlots", what));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new FormatException("gpu is not valid: " + e.getMessage());
        }
    }

    // ---- allocations -----------------------------------------------------------------------

    void writeAllocation(JsonGenerator g, AllocationRecord record) throws IOException {
        Allocation a = record.allocation();
        g.writeStartObject();
        g.writeStringField("id", a.id());
        g.writeStringField("owner", a.owner());
        writeInstant(g, "created", a.created());
        writeInstant(g, "leaseUntil", record.leaseUntil());
        VgpuRequest r = a.request();
        g.writeObjectFieldStart("request");
        g.writeNumberField("count", r.count());
        g.writeNumberField("memoryMiB", r.memoryMiB());
        g.writeNumberField("ratio", r.ratio());
        g.writeStringField("groupId", r.groupId());
        g.writeBooleanField("crossNode", r.crossNode());
        g.writeStringField("node", r.node());
        g.writeEndObject();
        g.writeArrayFieldStart("vgpus");
        for (Vgpu v : a.vgpus()) writeVgpu(g, v);
        g.writeEndArray();
        g.writeEndObject();
    }

    AllocationRecord readAllocation(JsonNode n) throws FormatException {
        String what = "allocation";
        JsonNode r = object(n, "request", what);
        VgpuRequest request;
        try {
            request = new VgpuRequest(intValue(r, "count", "request"), longValue(r, "memoryMiB", "request"),
                    intValue(r, "ratio", "request"), nullableString(r, "groupId", "request"),
                    bool(r, "crossNode", "request"), nullableString(r, "node", "request"));
        } catch (IllegalArgumentException e) {
            throw new FormatException("request of allocation is not valid: " + e.getMessage());
        }
        List<Vgpu> vgpus = new ArrayList<>();
        for (JsonNode v : array(n, "vgpus", what)) vgpus.add(readVgpu(v));
        Allocation allocation = new Allocation(nullableString(n, "id", what), request, vgpus,
                nullableString(n, "owner", what), instant(n, "created", what));
        return new AllocationRecord(allocation, instant(n, "leaseUntil", what));
    }

    private void writeVgpu(JsonGenerator g, Vgpu v) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", v.id());
        g.writeStringField("allocationId", v.allocationId());
        g.writeNumberField("index", v.index());
        g.writeStringField("node", v.node());
        g.writeStringField("gpuUuid", v.gpuUuid());
        g.writeNumberField("memoryMiB", v.memoryMiB());
        g.writeNumberField("ratio", v.ratio());
        g.writeStringField("groupId", v.groupId());
        g.writeEndObject();
    }

    private Vgpu readVgpu(JsonNode n) throws FormatException {
        String what = "vgpu";
        return new Vgpu(nullableString(n, "id", what), nullableString(n, "allocationId", what), intValue(n, "index", what),
                nullableString(n, "node", what), nullableString(n, "gpuUuid", what), longValue(n, "memoryMiB", what),
                intValue(n, "ratio", what), nullableString(n, "groupId", what));
    }

    // ---- values ----------------------------------------------------------------------------
    // Strings and instants may be null in the API records; null is written as JSON null and read back.

    private static void writeInstant(JsonGenerator g, String field, Instant value) throws IOException {
        g.writeStringField(field, value == null ? null : value.toString());
    }

    private static void writeEnum(JsonGenerator g, String field, Enum<?> value) throws IOException {
        g.writeStringField(field, value == null ? null : value.name());
    }

    private static JsonNode field(JsonNode n, String field, String what) throws FormatException {
        if (n == null || !n.isObject()) throw new FormatException(what + " is not a JSON object");
        JsonNode v = n.get(field);
        if (v == null) throw new FormatException(what + " has no field '" + field + "'");
        return v;
    }

    private static String nullableString(JsonNode n, String field, String what) throws FormatException {
        JsonNode v = field(n, field, what);
        if (v.isNull()) return null;
        if (!v.isTextual()) throw new FormatException("field '" + field + "' of " + what + " is not a string: " + v);
        return v.textValue();
    }

    /** A string that must be there, e.g. a change's type. */
    private static String string(JsonNode n, String field, String what) throws FormatException {
        String s = nullableString(n, field, what);
        if (s == null) throw new FormatException("field '" + field + "' of " + what + " is null");
        return s;
    }

    private static long longValue(JsonNode n, String field, String what) throws FormatException {
        JsonNode v = field(n, field, what);
        if (!v.isIntegralNumber() || !v.canConvertToLong())
            throw new FormatException("field '" + field + "' of " + what + " is not a whole number: " + v);
        return v.longValue();
    }

    private static int intValue(JsonNode n, String field, String what) throws FormatException {
        JsonNode v = field(n, field, what);
        if (!v.isIntegralNumber() || !v.canConvertToInt())
            throw new FormatException("field '" + field + "' of " + what + " is not a 32-bit whole number: " + v);
        return v.intValue();
    }

    private static boolean bool(JsonNode n, String field, String what) throws FormatException {
        JsonNode v = field(n, field, what);
        if (!v.isBoolean()) throw new FormatException("field '" + field + "' of " + what + " is not true or false: " + v);
        return v.booleanValue();
    }

    private static Instant instant(JsonNode n, String field, String what) throws FormatException {
        String s = nullableString(n, field, what);
        if (s == null) return null;
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new FormatException("field '" + field + "' of " + what + " is not an ISO-8601 instant: '" + s + "'");
        }
    }

    private static NodeState nodeState(JsonNode n, String what) throws FormatException {
        String s = nullableString(n, "state", what);
        if (s == null) return null;
        try {
            return NodeState.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw new FormatException("field 'state' of " + what + " is not one of UP, DRAINING, DOWN: '" + s + "'");
        }
    }

    private static JsonNode object(JsonNode n, String field, String what) throws FormatException {
        JsonNode v = field(n, field, what);
        if (!v.isObject()) throw new FormatException("field '" + field + "' of " + what + " is not an object: " + v);
        return v;
    }

    private static JsonNode array(JsonNode n, String field, String what) throws FormatException {
        JsonNode v = field(n, field, what);
        if (!v.isArray()) throw new FormatException("field '" + field + "' of " + what + " is not an array: " + v);
        return v;
    }
}
