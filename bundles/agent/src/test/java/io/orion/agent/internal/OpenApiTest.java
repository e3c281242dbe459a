package io.orion.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;

import io.orion.portal.internal.HistoryResource;
import io.orion.rest.internal.HealthResource;
import io.orion.rest.internal.PlatformResource;
import io.orion.rest.internal.PoolResource;

import org.junit.jupiter.api.Test;

/**
 * docs/openapi.yaml describes exactly the operations the resources serve: every documented
 * method and path exists, and nothing served is undocumented.
 */
class OpenApiTest {

    private static final Pattern PATH = Pattern.compile("^  (/\\S*):\\s*$");
    private static final Pattern METHOD = Pattern.compile("^    (get|put|post|delete|patch):");

    static Set<String> documented() throws Exception {
        Set<String> ops = new TreeSet<>();
        String path = null;
        for (String line : Files.readAllLines(Path.of("../../docs/openapi.yaml"))) {
            Matcher p = PATH.matcher(line);
            if (p.matches()) {
                path = p.group(1);
                continue;
            }
            if (line.startsWith("components:")) break;
            Matcher m = METHOD.matcher(line);
            if (m.find() && path != null) ops.add(m.group(1).toUpperCase() + " " + normal(path));
        }
        return ops;
    }

    static Set<String> served() {
        Set<String> ops = new TreeSet<>();
        for (Class<?> c : List.of(HealthResource.class, PlatformResource.class, PoolResource.class, ServerControlResource.class,
                HistoryResource.class)) {
            String base = c.getAnnotation(javax.ws.rs.Path.class).value();
            for (Method m : c.getMethods()) {
                String verb = m.isAnnotationPresent(GET.class) ? "GET" : m.isAnnotationPresent(PUT.class) ? "PUT"
                        : m.isAnnotationPresent(POST.class) ? "POST" : m.isAnnotationPresent(DELETE.class) ? "DELETE" : null;
                if (verb == null) continue;
                javax.ws.rs.Path sub = m.getAnnotation(javax.ws.rs.Path.class);
                ops.add(verb + " " + normal("/" + base + (sub == null ? "" : "/" + sub.value())));
            }
        }
        ops.add("GET /metrics"); // a servlet (io.orion.metrics), not a JAX-RS resource
        return ops;
    }

    /** Parameter names do not matter, slashes do: /a/{id}/b and a//{x}/b/ are the same operation. */
    static String normal(String path) {
        return ("/" + path).replaceAll("\\{[^}]*}", "{}").replaceAll("/+", "/").replaceAll("/$", "");
    }

    @Test
    void theDescriptionMatchesTheResources() throws Exception {
        assertEquals(served(), documented());
    }
}
