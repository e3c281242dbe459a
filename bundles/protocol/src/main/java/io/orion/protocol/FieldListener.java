package io.orion.protocol;

/**
 * Told of every field a {@link PayloadReader} reads, in wire order. The golden vectors list each
 * message's fields this way (name, wire type, value), so that a client in another language can
 * check its codec field by field; it also serves to trace decoding.
 */
@FunctionalInterface
public interface FieldListener {
    /**
     * @param name   the field, dotted and indexed as in docs/protocol.md (e.g. {@code grid.x}, {@code vgpuIds[1]})
     * @param type   {@code u8 u16 u32 i32 u64 f32 str bytes}
     * @param value  Integer, Long, Float, String, or byte[] for {@code bytes}
     */
    void field(String name, String type, Object value);
}
