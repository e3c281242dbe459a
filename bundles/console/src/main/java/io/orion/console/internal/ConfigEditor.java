package io.orion.console.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Reads and writes configurations, typed and checked by their metatype descriptions: a value is
 * converted to the attribute's type and validated before anything is stored.
 */
final class ConfigEditor {

    private final BundleContext context;
    private final ConfigurationAdmin configAdmin;
    private final MetaTypeService metaType;

    ConfigEditor(BundleContext context, ConfigurationAdmin configAdmin, MetaTypeService metaType) {
        this.context = context;
        this.configAdmin = configAdmin;
        this.metaType = metaType;
    }

    /** PIDs that have a metatype description, sorted. */
    List<String> describedPids() {
        TreeSet<String> pids = new TreeSet<>();
        for (Bundle b : context.getBundles()) {
            MetaTypeInformation info = metaType.getMetaTypeInformation(b);
            if (info != null) Collections.addAll(pids, info.getPids());
        }
        return new ArrayList<>(pids);
    }

    Optional<ObjectClassDefinition> definition(String pid) {
        for (Bundle b : context.getBundles()) {
            MetaTypeInformation info = metaType.getMetaTypeInformation(b);
            if (info == null) continue;
            for (String p : info.getPids()) if (p.equals(pid)) return Optional.of(info.getObjectClassDefinition(pid, null));
        }
        return Optional.empty();
    }

    /** The stored properties of a PID, without creating a configuration; null if there is none. */
    Dictionary<String, Object> stored(String pid) throws IOException {
        try {
            Configuration[] cs = configAdmin.listConfigurations("(" + org.osgi.framework.Constants.SERVICE_PID + "=" + pid + ")");
            return cs == null || cs.length == 0 ? null : cs[0].getProperties();
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("'" + pid + "' is not a valid PID");
        }
    }

    /** Converts, validates and stores one value; returns what was stored. */
    Object set(String pid, String key, List<String> values) throws IOException {
        ObjectClassDefinition ocd = definition(pid).orElseThrow(() -> new IllegalArgumentException(
                "no configuration described as '" + pid + "'; known: " + String.join(", ", describedPids())));
        AttributeDefinition ad = null;
        for (AttributeDefinition a : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) if (a.getID().equals(key)) ad = a;
        if (ad == null) {
            List<String> keys = new ArrayList<>();
            for (AttributeDefinition a : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) keys.add(a.getID());
            throw new IllegalArgumentException("'" + pid + "' has no property '" + key + "'; it has: " + String.join(", ", keys));
        }
        Object typed = convert(ad, key, values); // a wrong type is named before range checks
        for (String v : values) {
            String problem = ad.validate(v);
            if (problem != null && !problem.isEmpty())
                throw new IllegalArgumentException(pid + " " + key + ": '" + v + "' is not valid: " + problem);
        }
        Configuration c = configAdmin.getConfiguration(pid, "?");
        Dictionary<String, Object> props = c.getProperties();
        if (props == null) props = new Hashtable<>();
        props.put(key, typed);
        c.update(props);
        return typed;
    }

    private static Object convert(AttributeDefinition ad, String key, List<String> values) {
        boolean multi = ad.getCardinality() != 0;
        if (!multi && values.size() != 1)
            throw new IllegalArgumentException(key + " takes one value, got " + values.size());
        Object[] out = new Object[values.size()];
        for (int i = 0; i < out.length; i++) out[i] = parse(ad.getType(), key, values.get(i));
        if (!multi) return out[0];
        return switch (ad.getType()) {
            case AttributeDefinition.INTEGER -> java.util.Arrays.stream(out).mapToInt(o -> (Integer) o).toArray();
            case AttributeDefinition.LONG -> java.util.Arrays.stream(out).mapToLong(o -> (Long) o).toArray();
            case AttributeDefinition.DOUBLE -> java.util.Arrays.stream(out).mapToDouble(o -> (Double) o).toArray();
            case AttributeDefinition.BOOLEAN -> {
                boolean[] b = new boolean[out.length];
                for (int i = 0; i < out.length; i++) b[i] = (Boolean) out[i];
                yield b;
            }
            default -> java.util.Arrays.stream(out).map(Object::toString).toArray(String[]::new);
        };
    }

    /** The value as the attribute's type; IllegalArgumentException naming key and value when it is not one. */
    static Object parse(int type, String key, String v) {
        try {
            return switch (type) {
                case AttributeDefinition.INTEGER -> Integer.valueOf(v.trim());
                case AttributeDefinition.LONG -> Long.valueOf(v.trim());
                case AttributeDefinition.DOUBLE -> Double.valueOf(v.trim());
                case AttributeDefinition.FLOAT -> Float.valueOf(v.trim());
                case AttributeDefinition.BOOLEAN -> {
                    if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false"))
                        throw new NumberFormatException();
                    yield Boolean.valueOf(v);
                }
                default -> v;
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a " + typeName(type));
        }
    }

    static String typeName(int type) {
        return switch (type) {
            case AttributeDefinition.INTEGER -> "whole number";
            case AttributeDefinition.LONG -> "whole number";
            case AttributeDefinition.DOUBLE, AttributeDefinition.FLOAT -> "number";
            case AttributeDefinition.BOOLEAN -> "boolean (true or false)";
            default -> "string";
        };
    }
}
