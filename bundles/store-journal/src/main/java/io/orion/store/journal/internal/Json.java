package io.orion.store.journal.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.orion.api.store.StateChange;

/** JSON for the store's frames: compact generators (never a raw newline) and a tree reader. */
final class Json {
    /** The format version this code writes, and the newest it reads. */
    static final int VERSION = 1;

    private final JsonFactory factory = new JsonFactory();
    private final ObjectMapper mapper = new ObjectMapper(factory);
    private final ChangeCodec codec = new ChangeCodec();

    ChangeCodec codec() { return codec; }

    JsonGenerator generator(OutputStream out) throws IOException {
        // The frame buffer is not ours to close; compact output is Jackson's default.
        return factory.createGenerator(out, JsonEncoding.UTF8).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    }

    /**
     * The changes of one append as JSON objects separated by commas, ready to be spliced into a
     * journal frame. Done in the caller's thread, so a change that cannot be written fails its
     * own append and never the store.
     */
    byte[] encodeChanges(List<StateChange> changes) {
        Frames.Buffer out = new Frames.Buffer(256 * changes.size());
        try (JsonGenerator g = generator(out)) {
            // A root-level separator of "," makes the generator write c1,c2,… with no array around.
            g.setRootValueSeparator(new SerializedString(","));
            for (StateChange c : changes) codec.writeChange(g, c);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode changes in memory", e);
        }
        return out.toByteArray();
    }

    /** Parses a frame's payload, which must be one JSON object. */
    JsonNode parse(byte[] payload) throws ChangeCodec.FormatException {
        JsonNode n;
        try {
            n = mapper.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new ChangeCodec.FormatException("payload is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ChangeCodec.FormatException("payload is not JSON: " + e.getMessage());
        }
        if (n == null || !n.isObject()) throw new ChangeCodec.FormatException("payload is not a JSON object");
        return n;
    }
}
