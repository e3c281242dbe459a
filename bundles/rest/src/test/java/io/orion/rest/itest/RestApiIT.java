package io.orion.rest.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.orion.api.platform.Platform;
import io.orion.testing.Await;
import io.orion.testing.Configs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/** Health and plugin endpoints over real HTTP: status codes, JSON bodies, bad input named. */
@ExtendWith(ServiceExtension.class)
class RestApiIT {

    private static final String BASE = "http://127.0.0.1:18123/";
    private final HttpClient http = HttpClient.newHttpClient();

    @InjectService Platform platform;
    @InjectService ConfigurationAdmin cm;

    @BeforeEach
    void ready() {
        Await.until("the REST API to answer", Duration.ofSeconds(30), () -> {
            try {
                return get("health").statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @AfterEach
    void restore() throws Exception {
        Configs.reset(cm, "io.orion.core");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(BASE + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> put(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(BASE + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthSaysUpWithTheRoleAndPolicy() throws Exception {
        HttpResponse<String> r = get("health");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertTrue(r.body().contains("\"status\" : \"UP\"") && r.body().contains("\"role\" : \"controller\"")
                && r.body().contains("\"policy\" : \"binpack\""), r.body());
    }

    @Test
    void pluginsAndPolicySelection() throws Exception {
        String plugins = get("api/v1/plugins").body();
        assertTrue(plugins.contains("\"binpack\"") && plugins.contains("\"spread\"") && plugins.contains("io.orion.policy.spread"), plugins);
        HttpResponse<String> ok = put("api/v1/policies/active", "{\"name\":\"spread\"}");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("spread", platform.activePolicy().orElseThrow().name());
        assertTrue(get("api/v1/policies/active").body().contains("\"spread\""));
    }

    @Test
    void badBodiesAre400NamingTheFieldAndChangeNothing() throws Exception {
        HttpResponse<String> unknownField = put("api/v1/policies/active", "{\"name\":\"spread\",\"colour\":\"red\"}");
        assertEquals(400, unknownField.statusCode());
        assertTrue(unknownField.body().contains("colour"), unknownField.body());
        HttpResponse<String> notJson = put("api/v1/policies/active", "{\"name\":");
        assertEquals(400, notJson.statusCode());
        assertTrue(notJson.body().contains("not valid JSON"), notJson.body());
        HttpResponse<String> wrongType = put("api/v1/policies/active", "{\"name\":[1,2]}");
        assertEquals(400, wrongType.statusCode());
        assertTrue(wrongType.body().contains("name"), wrongType.body());
        HttpResponse<String> missing = put("api/v1/policies/active", "{}");
        assertEquals(400, missing.statusCode());
        assertTrue(missing.body().contains("field 'name'"), missing.body());
        HttpResponse<String> unknownPolicy = put("api/v1/policies/active", "{\"name\":\"nope\"}");
        assertEquals(400, unknownPolicy.statusCode());
        assertTrue(unknownPolicy.body().contains("'nope'") && unknownPolicy.body().contains("binpack, spread"), unknownPolicy.body());
        assertEquals("binpack", platform.activePolicy().orElseThrow().name(), "nothing was applied");
    }
}
