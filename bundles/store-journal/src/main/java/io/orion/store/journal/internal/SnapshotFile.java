package io.orion.store.journal.internal;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import io.orion.api.store.AllocationRecord;
import io.orion.api.store.NodeRecord;
import io.orion.api.store.StoreException;
import io.orion.api.store.StoredState;

/**
 * A snapshot file: a header frame with the counts, then one frame per node
 * ({@code {"node":…}}) and per allocation ({@code {"allocation":…}}), in the state's order. It is
 * written to a temporary file, synced and renamed, so it is whole or absent: any bad frame in it
 * is corruption.
 */
final class SnapshotFile {
    static final String FORMAT = "orion-state-snapshot";
    private static final int FLUSH_AT = 1 << 16;

    /** A snapshot read back: the state after change {@code lastSeq}. */
    record Loaded(long lastSeq, StoredState state) {}

    private SnapshotFile() {}

    /** Writes and syncs the snapshot to {@code temp}; the caller publishes it. */
    static void writeTemp(Json json, Path temp, long generation, long lastSeq, StoredState state, Instant now)
            throws IOException {
        try (FileChannel ch = FileChannel.open(temp, CREATE, TRUNCATE_EXISTING, WRITE)) {
            Frames.Buffer b = new Frames.Buffer(FLUSH_AT * 2);
            b.begin();
            try (JsonGenerator g = json.generator(b)) {
                g.writeStartObject();
                g.writeStringField("format", FORMAT);
                g.writeNumberField("version", Json.VERSION);
                g.writeNumberField("generation", generation);
                g.writeNumberField("lastSeq", lastSeq);
                g.writeNumberField("nodes", state.nodes().size());
                g.writeNumberField("allocations", state.allocations().size());
                g.writeStringField("created", now.toString());
                g.writeEndObject();
            }
            b.end();
            for (NodeRecord n : state.nodes()) {
                b.begin();
                try (JsonGenerator g = json.generator(b)) {
                    g.writeStartObject();
                    g.writeFieldName("node");
                    json.codec().writeNode(g, n);
                    g.writeEndObject();
                }
                b.end();
                if (b.size() >= FLUSH_AT) flush(ch, b);
            }
            for (AllocationRecord a : state.allocations()) {
                b.begin();
                try (JsonGenerator g = json.generator(b)) {
                    g.writeStartObject();
                    g.writeFieldName("allocation");
                    json.codec().writeAllocation(g, a);
                    g.writeEndObject();
                }
                b.end();
                if (b.size() >= FLUSH_AT) flush(ch, b);
            }
            flush(ch, b);
            ch.force(true);
        }
    }

    private static void flush(FileChannel ch, Frames.Buffer b) throws IOException {
        JournalFile.writeFully(ch, b.array(), b.size());
        b.reset();
    }

    /** Reads a whole snapshot; any damage is a {@link CorruptStateException} naming the offset. */
    static Loaded read(Json json, Path file, long generation) throws IOException {
        try (FrameReader reader = new FrameReader(file)) {
            FrameReader.Next first = reader.next();
            if (!(first instanceof FrameReader.Frame header))
                throw new CorruptStateException(file, 0, "no sound snapshot header: " + JournalFile.describe(first));
            JsonNode h = parse(json, file, header);
            String format = h.path("format").asText("");
            if (!FORMAT.equals(format))
                throw new CorruptStateException(file, 0, "not a snapshot: format is '" + format + "', expected '" + FORMAT + "'");
            int version = h.path("version").asInt(-1);
            if (version < 1 || version > Json.VERSION)
                throw new StoreException(file + " has format version " + version + "; this Orion reads versions 1 to "
                        + Json.VERSION + " (it was written by a newer Orion, or is damaged)");
            long g = h.path("generation").asLong(-1);
            if (g != generation)
                throw new CorruptStateException(file, 0, "snapshot header says generation " + g + ", expected " + generation);
            long lastSeq = h.path("lastSeq").asLong(-1);
            long nodeCount = h.path("nodes").asLong(-1);
            long allocationCount = h.path("allocations").asLong(-1);
            if (lastSeq < 0 || nodeCount < 0 || allocationCount < 0)
                throw new CorruptStateException(file, 0, "snapshot header lacks lastSeq, nodes or allocations: " + h);

            List<NodeRecord> nodes = new ArrayList<>();
            List<AllocationRecord> allocations = new ArrayList<>();
            while (true) {
                switch (reader.next()) {
                    case FrameReader.Frame f -> {
                        JsonNode n = parse(json, file, f);
                        try {
                            if (n.has("node")) nodes.add(json.codec().readNode(n.get("node")));
                            else if (n.has("allocation")) allocations.add(json.codec().readAllocation(n.get("allocation")));
                            else throw new ChangeCodec.FormatException("frame is neither a node nor an allocation");
                        } catch (ChangeCodec.FormatException e) {
                            throw new CorruptStateException(file, f.offset(), e.getMessage());
                        }
                    }
                    case FrameReader.End e -> {
                        if (nodes.size() != nodeCount || allocations.size() != allocationCount)
                            throw new CorruptStateException(file, e.offset(), "snapshot holds " + nodes.size() + " nodes and "
                                    + allocations.size() + " allocations, its header says " + nodeCount + " and " + allocationCount);
                        return new Loaded(lastSeq, new StoredState(nodes, allocations));
                    }
                    case FrameReader.Torn t -> throw new CorruptStateException(file, t.offset(), t.why());
                    case FrameReader.Corrupt c -> throw new CorruptStateException(file, c.offset(), c.why());
                }
            }
        }
    }

    private static JsonNode parse(Json json, Path file, FrameReader.Frame f) {
        try {
            return json.parse(f.payload());
        } catch (ChangeCodec.FormatException e) {
            throw new CorruptStateException(file, f.offset(), e.getMessage());
        }
    }
}
