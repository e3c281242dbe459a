package io.orion.store.journal.internal;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import io.orion.api.store.StateChange;
import io.orion.api.store.StateReplay;
import io.orion.api.store.StoreException;

/**
 * A journal file: a header frame, then one frame per group commit,
 * {@code {"seq":S,"changes":[…]}}, where {@code S} numbers the frame's first change; the changes
 * of a file are numbered without gaps from the header's {@code firstSeq}.
 */
final class JournalFile {
    static final String FORMAT = "orion-state-journal";

    /**
     * What replaying a journal found: the next change number, where the sound frames end, and
     * the torn tail or the corruption that stopped it (at most one of the two).
     */
    record Replayed(long nextSeq, long goodEnd, long frames, FrameReader.Torn torn, CorruptStateException corrupt) {}

    private JournalFile() {}

    /** Creates a journal holding only its header, atomically (temporary file, sync, rename). */
    static void create(Json json, Path file, long generation, long firstSeq, Instant now, Faults faults)
            throws IOException {
        Frames.Buffer b = new Frames.Buffer(256);
        b.begin();
        try (JsonGenerator g = json.generator(b)) {
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("version", Json.VERSION);
            g.writeNumberField("generation", generation);
            g.writeNumberField("firstSeq", firstSeq);
            g.writeStringField("created", now.toString());
            g.writeEndObject();
        }
        b.end();
        Path temp = StoreFiles.temp(file);
        try (FileChannel ch = FileChannel.open(temp, CREATE, TRUNCATE_EXISTING, WRITE)) {
            writeFully(ch, b.array(), b.size());
            ch.force(true);
        }
        faults.at("journal-temp-written");
        StoreFiles.publish(temp, file);
    }

    private static final byte[] SEQ = "{\"seq\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHANGES = ",\"changes\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "]}".getBytes(StandardCharsets.US_ASCII);

    /** Adds one frame holding the appends' changes (each already encoded by {@link Json#encodeChanges}). */
    static void frame(Frames.Buffer out, long seq, List<byte[]> appends) {
        out.begin();
        out.writeBytes(SEQ);
        out.writeBytes(Long.toString(seq).getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(CHANGES);
        boolean first = true;
        for (byte[] a : appends) {
            if (!first) out.write(',');
            out.writeBytes(a);
            first = false;
        }
        out.writeBytes(CLOSE);
        out.end();
    }

    static void writeFully(FileChannel ch, byte[] bytes, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes, 0, length);
        while (buf.hasRemaining()) ch.write(buf);
    }

    /**
     * Applies the journal's sound frames to {@code into}, each frame whole or not at all. A header
     * that does not belong to this generation is corruption, thrown at once; a bad frame ends the
     * replay and is described in the result.
     */
    static Replayed replay(Json json, Path file, long generation, long firstSeq, StateReplay into) throws IOException {
        try (FrameReader reader = new FrameReader(file)) {
            FrameReader.Next first = reader.next();
            if (!(first instanceof FrameReader.Frame header))
                throw new CorruptStateException(file, 0, "no sound journal header: " + describe(first));
            checkHeader(json, file, header, generation, firstSeq);
            long seq = firstSeq;
            long good = end(header);
            long frames = 0;
            while (true) {
                switch (reader.next()) {
                    case FrameReader.Frame f -> {
                        List<StateChange> changes;
                        try {
                            changes = decode(json, f, seq);
                        } catch (ChangeCodec.FormatException e) {
                            return new Replayed(seq, good, frames, null, new CorruptStateException(file, f.offset(), e.getMessage()));
                        }
                        into.applyAll(changes);
                        seq += changes.size();
                        good = end(f);
                        frames++;
                    }
                    case FrameReader.End e -> {
                        return new Replayed(seq, good, frames, null, null);
                    }
                    case FrameReader.Torn t -> {
                        return new Replayed(seq, good, frames, t, null);
                    }
                    case FrameReader.Corrupt c -> {
                        return new Replayed(seq, good, frames, null, new CorruptStateException(file, c.offset(), c.why()));
                    }
                }
            }
        }
    }

    private static List<StateChange> decode(Json json, FrameReader.Frame f, long expectedSeq) throws ChangeCodec.FormatException {
        JsonNode n = json.parse(f.payload());
        JsonNode seq = n.get("seq");
        if (seq == null || !seq.canConvertToLong())
            throw new ChangeCodec.FormatException("journal frame has no change number 'seq'");
        if (seq.longValue() != expectedSeq)
            throw new ChangeCodec.FormatException("journal frame starts at change " + seq.longValue() + " but change "
                    + expectedSeq + " comes next (a frame is missing or repeated)");
        JsonNode changes = n.get("changes");
        if (changes == null || !changes.isArray()) throw new ChangeCodec.FormatException("journal frame has no 'changes' array");
        List<StateChange> out = new ArrayList<>(changes.size());
        for (JsonNode c : changes) out.add(json.codec().readChange(c));
        return out;
    }

    private static void checkHeader(Json json, Path file, FrameReader.Frame header, long generation, long firstSeq) {
        JsonNode h;
        try {
            h = json.parse(header.payload());
        } catch (ChangeCodec.FormatException e) {
            throw new CorruptStateException(file, 0, "journal header: " + e.getMessage());
        }
        String format = h.path("format").asText("");
        if (!FORMAT.equals(format))
            throw new CorruptStateException(file, 0, "not a journal: format is '" + format + "', expected '" + FORMAT + "'");
        int version = h.path("version").asInt(-1);
        if (version < 1 || version > Json.VERSION)
            throw new StoreException(file + " has format version " + version + "; this Orion reads versions 1 to "
                    + Json.VERSION + " (it was written by a newer Orion, or is damaged)");
        long g = h.path("generation").asLong(-1);
        long s = h.path("firstSeq").asLong(-1);
        if (g != generation || s != firstSeq)
            throw new CorruptStateException(file, 0, "journal header says generation " + g + " from change " + s
                    + ", expected generation " + generation + " from change " + firstSeq
                    + " (does this file belong to this directory?)");
    }

    static long end(FrameReader.Frame f) {
        return f.offset() + Frames.HEADER + f.payload().length + 1;
    }

    static String describe(FrameReader.Next n) {
        return switch (n) {
            case FrameReader.Frame f -> "a frame at offset " + f.offset();
            case FrameReader.End e -> "the file is empty";
            case FrameReader.Torn t -> t.why();
            case FrameReader.Corrupt c -> c.why();
        };
    }
}
