package io.orion.console.internal;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Checks one configuration against its metatype description, the way the component will read it:
 * a key the description does not have (with the near names it may have meant), a value that is not
 * of the attribute's type, or one its description refuses (range, options). A configuration of
 * ours ({@code io.orion.*}) that nothing in the runtime describes is named too, since a misspelt
 * PID is otherwise silently ignored.
 */
final class ConfigCheck {

    private ConfigCheck() {}

    static List<ConfigProblem> check(String source, String pid, Map<String, Object> properties,
                                     Optional<ObjectClassDefinition> description, Collection<String> describedPids) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (description.isEmpty()) {
            if (pid.startsWith("io.orion."))
                problems.add(new ConfigProblem(source, pid, null, null, "no bundle in this runtime reads this configuration"
                        + NearNames.didYouMean(pid, describedPids) + " (it is kept, and applies if such a bundle is deployed)"));
            return problems;
        }
        AttributeDefinition[] ads = description.get().getAttributeDefinitions(ObjectClassDefinition.ALL);
        List<String> keys = new ArrayList<>();
        for (AttributeDefinition ad : ads) keys.add(ad.getID());
        properties.forEach((key, value) -> {
            if (isFrameworkKey(key)) return;
            AttributeDefinition ad = null;
            for (AttributeDefinition a : ads) if (a.getID().equals(key)) ad = a;
            if (ad == null) {
                String near = NearNames.didYouMean(key, keys);
                problems.add(new ConfigProblem(source, pid, key, show(value), "unknown key, ignored"
                        + (near.isEmpty() ? "; the keys are " + String.join(", ", keys) : near)));
                return;
            }
            for (String element : elements(value)) {
                String problem = problem(ad, element);
                if (problem != null) problems.add(new ConfigProblem(source, pid, key, show(value), problem));
            }
        });
        return problems;
    }

    /** What is wrong with one value of an attribute, or null. */
    static String problem(AttributeDefinition ad, String value) {
        int type = ad.getType();
        if (type != AttributeDefinition.STRING && type != AttributeDefinition.PASSWORD) {
            try {
                ConfigEditor.parse(type, ad.getID(), value);
            } catch (IllegalArgumentException e) {
                return "'" + value + "' is not a " + ConfigEditor.typeName(type) + expected(ad);
            }
        }
        String refused = ad.validate(value);
        if (refused != null && !refused.isEmpty()) return "'" + value + "' is refused: " + refused + expected(ad);
        return null;
    }

    private static String expected(AttributeDefinition ad) {
        StringBuilder b = new StringBuilder(" (expected ").append(ConfigEditor.typeName(ad.getType()));
        String[] options = ad.getOptionValues();
        if (options != null && options.length > 0) b.append(", one of ").append(String.join(", ", options));
        String[] defaults = ad.getDefaultValue();
        if (defaults != null && defaults.length > 0) b.append("; default ").append(String.join(",", defaults));
        return b.append(')').toString();
    }

    /** Keys that Configuration Admin, FileInstall and Declarative Services set or read themselves. */
    static boolean isFrameworkKey(String key) {
        return key.startsWith("service.") || key.startsWith("felix.") || key.startsWith("component.")
                || key.startsWith("osgi.ds.") || key.startsWith(".") || key.endsWith(".target")
                || key.endsWith(".cardinality.minimum");
    }

    private static List<String> elements(Object value) {
        List<String> out = new ArrayList<>();
        if (value == null) return out;
        if (value instanceof Collection<?> c) {
            for (Object o : c) out.add(String.valueOf(o));
        } else if (value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) out.add(String.valueOf(Array.get(value, i)));
        } else {
            out.add(String.valueOf(value));
        }
        return out;
    }

    static String show(Object value) {
        List<String> e = elements(value);
        return value != null && (value.getClass().isArray() || value instanceof Collection<?>)
                ? "[" + String.join(",", e) + "]" : String.join(",", e);
    }
}
