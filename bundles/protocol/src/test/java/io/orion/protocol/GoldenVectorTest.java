package io.orion.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The codec against the committed golden vectors: every frame decodes to the recorded header,
 * message and field list, and the recorded message encodes to exactly the recorded bytes; every
 * invalid frame is refused the way the vector says.
 */
class GoldenVectorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> vectors(String file) throws IOException {
        JsonNode doc = JSON.readTree(Files.readString(Vectors.dir().resolve(file + ".json")));
        List<JsonNode> out = new ArrayList<>();
        doc.get("vectors").forEach(out::add);
        return out;
    }

    private static List<String> validFiles() throws IOException {
        try (Stream<Path> s = Files.list(Vectors.dir())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json") && !n.equals("invalid.json"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> validFramesDecodeAndEncodeExactly() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String file : validFiles()) {
            for (JsonNode v : vectors(file)) {
                tests.add(DynamicTest.dynamicTest(file + ": " + v.get("name").asText(), () -> checkValid(v)));
            }
        }
        return tests.stream();
    }

    /** Through text and back, so that numbers compare by value (IntNode and LongNode are never equal). */
    private static JsonNode normalized(JsonNode n) {
        try {
            return JSON.readTree(JSON.writeValueAsString(n));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void checkValid(JsonNode v) {
        byte[] bytes = RecordJson.unhex(v.get("frame").asText());
        JsonNode described = normalized(Vectors.describe(bytes));
        assertEquals(v.get("header"), described.get("header"), "header");
        assertEquals(v.get("kind"), described.get("kind"), "kind");
        assertEquals(v.get("message"), described.get("message"), "message");
        assertEquals(v.get("fields"), described.get("fields"), "fields");

        // and back: the recorded meaning encodes to the recorded bytes
        Frame frame = Frame.parse(ByteBuffer.wrap(bytes), Wire.ABSOLUTE_MAX_PAYLOAD);
        FrameHeader h = frame.header();
        PayloadWriter w = new PayloadWriter(64);
        ByteBuffer[] parts;
        if (h.has(Wire.FLAG_INDIRECT)) {
            Codec.Indirect ref = RecordJson.fromJson(Codec.Indirect.class, v.get("message"));
            w.reset(Wire.HEADER_SIZE).u64(ref.offset()).u64(ref.length());
            new FrameHeader(h.version(), h.flags(), h.type(), h.seq(), Wire.INDIRECT_SIZE, h.session()).write(w.buffer(), 0);
            parts = new ByteBuffer[] {w.written()};
        } else if (h.isReply()) {
            Reply decoded = Codec.decodeReply(h, frame.payload());
            JsonNode m = v.get("message");
            Result result = decoded.result() == null ? null
                    : (Result) RecordJson.fromJson((Class<? extends Record>) decoded.result().getClass().asSubclass(Record.class), m.get("result"));
            Reply rebuilt = new Reply(m.get("status").intValue(), m.get("deferredStatus").intValue(),
                    m.get("deferredSeq").longValue(), m.get("deferredMessage").asText(), m.get("message").asText(), result);
            assertEquals(decoded, rebuilt);
            parts = Codec.encodeReply(w, MessageType.of(h.type()), h.seq(), h.session(), rebuilt, h.has(Wire.FLAG_MORE));
        } else {
            Request decoded = Codec.decodeRequest(h, frame.payload());
            Request rebuilt = (Request) RecordJson.fromJson(decoded.getClass().asSubclass(Record.class), v.get("message"));
            assertEquals(decoded, rebuilt);
            parts = Codec.encodeRequest(w, rebuilt, h.flags(), h.seq(), h.session());
        }
        ByteBuffer all = ByteBuffer.allocate(bytes.length);
        for (ByteBuffer p : parts) all.put(p.duplicate());
        assertArrayEquals(bytes, all.array(), "re-encoded frame");
    }

    @TestFactory
    Stream<DynamicTest> invalidFramesAreRefused() throws IOException {
        return vectors("invalid").stream().map(v -> DynamicTest.dynamicTest(v.get("name").asText(), () -> {
            byte[] bytes = RecordJson.unhex(v.get("frame").asText());
            ProtocolException e = assertThrows(ProtocolException.class, () -> {
                Frame f = Frame.parse(ByteBuffer.wrap(bytes), Wire.DEFAULT_MAX_PAYLOAD);
                Codec.decodeRequest(f.header(), f.payload());
            });
            assertEquals(v.get("fatal").booleanValue(), e.fatal(), "fatal: " + e.getMessage());
            assertEquals(v.get("status").intValue(), e.status(), "status: " + e.getMessage());
            assertTrue(e.getMessage().contains(v.get("why").asText()), "message '" + e.getMessage() + "' should say '" + v.get("why").asText() + "'");
        }));
    }

    @Test
    void everyMessageTypeHasARequestAndAReplyVector() throws IOException {
        Set<String> requests = new TreeSet<>(), replies = new TreeSet<>();
        for (String file : validFiles()) {
            for (JsonNode v : vectors(file)) {
                String type = v.get("header").get("type").asText();
                (v.get("kind").asText().equals("reply") ? replies : requests).add(type);
            }
        }
        Set<String> all = new TreeSet<>();
        for (MessageType t : MessageType.values()) all.add(t.name());
        assertEquals(all, requests, "message types with a request vector");
        Set<String> withResult = new TreeSet<>(all);
        // these replies carry nothing a vector of another type does not already show
        withResult.removeAll(Set.of("MEM_FREE", "MEMSET", "COPY_HTOD", "COPY_DTOD", "COPY_HTOD_REGION", "MODULE_UNLOAD",
                "LAUNCH", "STREAM_DESTROY", "STREAM_WAIT_EVENT", "EVENT_DESTROY", "EVENT_RECORD", "EVENT_QUERY", "EVENT_SYNC"));
        assertTrue(replies.containsAll(withResult), "reply vectors missing for " + new TreeSet<>(withResult) {{ removeAll(replies); }});
    }

    @Test
    void committedFilesMatchTheSamples() throws IOException {
        // The generator is deterministic: regenerating must not change a committed byte.
        Path tmp = Files.createTempDirectory("vectors");
        try {
            VectorGenerator.main(new String[] {tmp.toString()});
            try (Stream<Path> s = Files.list(tmp)) {
                for (Path p : s.toList()) {
                    assertEquals(Files.readString(Vectors.dir().resolve(p.getFileName())), Files.readString(p),
                            p.getFileName() + " differs from GoldenSamples: regenerate on purpose or fix the codec");
                }
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
