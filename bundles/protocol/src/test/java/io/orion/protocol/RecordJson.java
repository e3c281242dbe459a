package io.orion.protocol;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Maps message records to the golden vectors' JSON and back, by their components: ints and floats
 * as numbers, longs as numbers below 2^53 and "0x…" hex strings otherwise, byte data as hex,
 * attribute maps as [code, value] pairs.
 */
final class RecordJson {
    private RecordJson() {}

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final HexFormat HEX = HexFormat.of();

    static JsonNode toJson(Object value) {
        return switch (value) {
            case null -> F.nullNode();
            case Integer i -> F.numberNode(i);
            case Long l -> l >= 0 && l < (1L << 53) ? F.numberNode(l) : F.textNode("0x" + Long.toHexString(l));
            case Float f -> F.numberNode(f);
            case Boolean b -> F.booleanNode(b);
            case String s -> F.textNode(s);
            case ByteBuffer b -> F.textNode(hex(b));
            case byte[] b -> F.textNode(HEX.formatHex(b));
            case List<?> list -> {
                ArrayNode a = F.arrayNode();
                list.forEach(e -> a.add(toJson(e)));
                yield a;
            }
            case Map<?, ?> map -> {
                ArrayNode a = F.arrayNode();
                map.forEach((k, v) -> a.add(F.arrayNode().add(toJson(k)).add(toJson(v))));
                yield a;
            }
            case Record r -> {
                ObjectNode o = F.objectNode();
                for (RecordComponent c : r.getClass().getRecordComponents()) {
                    try {
                        o.set(c.getName(), toJson(c.getAccessor().invoke(r)));
                    } catch (ReflectiveOperationException e) {
                        throw new AssertionError(e);
                    }
                }
                yield o;
            }
            default -> throw new IllegalArgumentException("no JSON mapping for " + value.getClass());
        };
    }

    static String hex(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return HEX.formatHex(a);
    }

    static byte[] unhex(String s) {
        return HEX.parseHex(s.replaceAll("\\s+", ""));
    }

    static long longOf(JsonNode n) {
        if (n.isTextual() && n.asText().startsWith("0x")) return Long.parseUnsignedLong(n.asText().substring(2), 16);
        if (!n.canConvertToLong()) throw new IllegalArgumentException("not a 64-bit value: " + n);
        return n.longValue();
    }

    /** Builds a record of class {@code type} from its JSON. */
    static <T extends Record> T fromJson(Class<T> type, JsonNode node) {
        RecordComponent[] cs = type.getRecordComponents();
        Object[] args = new Object[cs.length];
        Class<?>[] types = new Class<?>[cs.length];
        for (int i = 0; i < cs.length; i++) {
            JsonNode v = node.get(cs[i].getName());
            if (v == null) throw new IllegalArgumentException(type.getSimpleName() + ": no field '" + cs[i].getName() + "' in " + node);
            args[i] = value(cs[i].getGenericType(), v);
            types[i] = cs[i].getType();
        }
        try {
            Constructor<T> ctor = type.getDeclaredConstructor(types);
            return ctor.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot build " + type.getSimpleName() + " from " + node, e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object value(Type t, JsonNode v) {
        if (v.isNull()) return null;
        if (t == int.class) return v.intValue();
        if (t == long.class) return longOf(v);
        if (t == float.class) return v.floatValue();
        if (t == boolean.class) return v.booleanValue();
        if (t == String.class) return v.textValue();
        if (t == ByteBuffer.class) return ByteBuffer.wrap(unhex(v.textValue())).order(Wire.ORDER);
        if (t instanceof Class<?> c && c.isRecord()) return fromJson((Class<Record>) c, v);
        if (t instanceof Class<?> c && Result.class.isAssignableFrom(c)) {
            throw new IllegalArgumentException("a result needs its concrete class");
        }
        if (t instanceof ParameterizedType p && p.getRawType() == List.class) {
            List<Object> out = new ArrayList<>();
            v.forEach(e -> out.add(value(p.getActualTypeArguments()[0], e)));
            return out;
        }
        if (t instanceof ParameterizedType p && (p.getRawType() == SortedMap.class || p.getRawType() == Map.class)) {
            SortedMap out = new TreeMap<>();
            v.forEach(e -> out.put(e.get(0).intValue(), e.get(1).intValue()));
            return out;
        }
        throw new IllegalArgumentException("no JSON mapping for " + t);
    }
}
