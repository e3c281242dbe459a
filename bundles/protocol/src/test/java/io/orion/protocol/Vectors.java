package io.orion.protocol;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What the golden-vector generator and test share: encoding samples and describing frames as JSON. */
final class Vectors {
    private Vectors() {}

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** Where the vector files live: {@code -Dorion.protocol.vectors}, set by the module's pom. */
    static Path dir() {
        String d = System.getProperty("orion.protocol.vectors");
        if (d == null) throw new IllegalStateException("system property orion.protocol.vectors is not set (the pom sets it)");
        return Path.of(d);
    }

    static byte[] encode(GoldenSamples.Sample s) {
        PayloadWriter w = new PayloadWriter(256);
        ByteBuffer[] parts;
        if (s.message() == null) {
            // INDIRECT: the payload is the region reference
            w.reset(Wire.HEADER_SIZE).u64(GoldenSamples.INDIRECT.offset()).u64(GoldenSamples.INDIRECT.length());
            new FrameHeader(1, s.flags(), s.typeCode(), s.seq(), Wire.INDIRECT_SIZE, s.session()).write(w.buffer(), 0);
            parts = new ByteBuffer[] {w.written()};
        } else if (s.message() instanceof Request r) {
            parts = Codec.encodeRequest(w, r, s.flags(), s.seq(), s.session());
        } else {
            parts = Codec.encodeReply(w, MessageType.of(s.typeCode()), s.seq(), s.session(), (Reply) s.message(),
                    (s.flags() & Wire.FLAG_MORE) != 0);
        }
        int n = 0;
        for (ByteBuffer p : parts) n += p.remaining();
        ByteBuffer all = ByteBuffer.allocate(n);
        for (ByteBuffer p : parts) all.put(p.duplicate());
        return all.array();
    }

    /** The frame as hex, with a space between header and payload. */
    static String hex(byte[] frame) {
        HexFormat h = HexFormat.of();
        return h.formatHex(frame, 0, Wire.HEADER_SIZE) + " " + h.formatHex(frame, Wire.HEADER_SIZE, frame.length);
    }

    static ObjectNode header(FrameHeader h) {
        ObjectNode o = F.objectNode();
        o.put("version", h.version());
        o.put("flags", h.flags());
        MessageType t = MessageType.of(h.type());
        o.put("type", t == null ? "?" : t.name());
        o.put("typeCode", h.type());
        o.put("seq", h.seq());
        o.put("length", h.length());
        o.put("session", "0x" + Long.toHexString(h.session()));
        return o;
    }

    /** Every payload field in wire order: [name, type, value]; u64 values as "0x…" hex, bytes as hex. */
    static FieldListener collect(ArrayNode out) {
        return (name, type, value) -> {
            ArrayNode e = F.arrayNode().add(name).add(type);
            switch (value) {
                case Long l when type.equals("u64") -> e.add("0x" + Long.toHexString(l));
                case Long l -> e.add(l);
                case Integer i -> e.add(i);
                case Float f -> e.add(f);
                case String s -> e.add(s);
                case byte[] b -> e.add(HexFormat.of().formatHex(b));
                default -> throw new IllegalArgumentException("field value " + value);
            }
            out.add(e);
        };
    }

    /** Decodes a valid frame into the JSON a vector records: header, message and fields. */
    static ObjectNode describe(byte[] bytes) {
        Frame frame = Frame.parse(ByteBuffer.wrap(bytes), Wire.ABSOLUTE_MAX_PAYLOAD);
        ObjectNode o = F.objectNode();
        o.set("header", header(frame.header()));
        ArrayNode fields = F.arrayNode();
        JsonNode message;
        if (frame.header().has(Wire.FLAG_INDIRECT)) {
            o.put("kind", "request");
            message = RecordJson.toJson(Codec.Indirect.read(frame.payload()));
            fields.add(F.arrayNode().add("offset").add("u64").add("0x" + Long.toHexString(GoldenSamples.INDIRECT.offset())));
            fields.add(F.arrayNode().add("length").add("u64").add("0x" + Long.toHexString(GoldenSamples.INDIRECT.length())));
        } else if (frame.header().isReply()) {
            o.put("kind", "reply");
            message = RecordJson.toJson(Codec.decodeReply(frame.header(), frame.payload(), collect(fields)));
        } else {
            o.put("kind", "request");
            message = RecordJson.toJson(Codec.decodeRequest(frame.header(), frame.payload(), collect(fields)));
        }
        o.set("message", message);
        o.set("fields", fields);
        return o;
    }
}
