package io.orion.k8s.chart;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Field names the Kubernetes API does not know (a typo such as {@code imagePullPolcy} is
 * silently dropped by the API server): each document is read into fabric8's typed models, which
 * keep every unknown field in {@code additionalProperties}; any found there is reported with
 * its path. This is the strict check that the schema validator does not make.
 */
final class UnknownFields {
    private final KubernetesSerialization serialization = new KubernetesSerialization();

    /** "Kind/name: path.field" for every unknown field of every document of a rendered file. */
    List<String> find(String rendered) {
        List<String> found = new ArrayList<>();
        for (String doc : rendered.split("(?m)^---\\s*$")) {
            if (doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) continue;
            HasMetadata o = serialization.unmarshal(doc, HasMetadata.class);
            walk(o, o.getKind() + "/" + o.getMetadata().getName() + ":", found);
        }
        return found;
    }

    private void walk(Object o, String path, List<String> found) {
        if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean || o instanceof Enum<?>) return;
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object x : c) walk(x, path + "[" + i++ + "]", found);
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path + "[" + k + "]", found));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) return;
        for (Method g : o.getClass().getMethods()) {
            if (g.getParameterCount() != 0 || Modifier.isStatic(g.getModifiers()) || g.getDeclaringClass() == Object.class) continue;
            if (!g.getName().startsWith("get")) continue;
            Object v;
            try {
                v = g.invoke(o);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(g + " of " + path, e);
            }
            if (g.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra) extra.keySet().forEach(k -> found.add(path + " unknown field '" + k + "'"));
            } else {
                String field = Character.toLowerCase(g.getName().charAt(3)) + g.getName().substring(4);
                walk(v, path + "." + field, found);
            }
        }
    }
}
