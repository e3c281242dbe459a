package io.orion.portal.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.orion.api.pool.PoolService;
import io.orion.testing.Bundles;
import io.orion.testing.Controller;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import com.fasterxml.jackson.databind.JsonNode;

/** The portal over plain HTTP: where it is served, its headers, and the history endpoint. */
@ExtendWith(ServiceExtension.class)
class PortalHttpIT {

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    @InjectService ConfigurationAdmin cm;
    private PoolFixture fixture;

    @BeforeEach
    void start() throws Exception {
        PoolService pool = Controller.inMemory(Bundles.framework(getClass()), cm);
        fixture = new PoolFixture(pool).beating();
        // The JAX-RS application is rebuilt whenever a resource comes or goes (the history does
        // when its configuration changes): wait for the portal's resources, not only its pages.
        Browser.until("the portal and its history to be served", Duration.ofSeconds(30),
                () -> fixture.send("GET", "portal/", null).statusCode() == 200
                        && fixture.send("GET", "api/v1/portal/history", null).statusCode() == 200);
    }

    @AfterEach
    void stop() {
        if (fixture != null) fixture.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(PoolFixture.BASE + path));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void pagesAreServedUnderPortalAndTheRootLeadsThere() throws Exception {
        for (String[] c : new String[][] {{"", "303"}, {"portal", "302"}}) {
            HttpResponse<String> r = get(c[0]);
            assertEquals(Integer.parseInt(c[1]), r.statusCode(), "/" + c[0] + " " + r.headers() + r.body());
            assertTrue(r.headers().firstValue("Location").orElse("").endsWith("/portal/"), r.headers().toString());
        }
        HttpResponse<String> page = get("portal/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("<script type=\"module\" src=\"portal.js\">"), page.body());
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("default-src 'self'") && csp.contains("script-src 'self'"), csp);
        assertTrue(!page.body().contains("http://") && !page.body().contains("https://"), "no external resources");

        HttpResponse<String> js = get("portal/portal.js");
        assertEquals(200, js.statusCode());
        assertTrue(js.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        String etag = js.headers().firstValue("ETag").orElseThrow();
        assertEquals(304, get("portal/portal.js", "If-None-Match", etag).statusCode(), "an unchanged file is not sent again");
        assertEquals("no-cache", js.headers().firstValue("Cache-Control").orElse(""));

        for (String bad : new String[] {"portal/missing.js", "portal/web/index.html", "portal/.hidden.js"})
            assertEquals(404, get(bad).statusCode(), bad);
        // Jetty refuses an encoded separator itself (400) before the portal sees it; never 200.
        int encoded = get("portal/..%2Fpom.xml").statusCode();
        assertTrue(encoded == 400 || encoded == 404, "portal/..%2Fpom.xml answered " + encoded);

        assertEquals(200, get("api/v1/pool").statusCode(), "the REST API is still where it was");
    }

    @Test
    void historyHoldsWhatHeartbeatsReportedAndNamesBadParameters() throws Exception {
        Browser.until("a sample of the busy GPU", Duration.ofSeconds(15),
                () -> fixture.get("api/v1/portal/history?seconds=60").path("gpus").size() == 1);
        JsonNode h = fixture.get("api/v1/portal/history?seconds=60");
        assertEquals(60, h.path("windowSeconds").asInt());
        assertEquals(5000, h.path("heartbeatMillis").asLong());
        JsonNode gpu = h.path("gpus").get(0);
        assertEquals(PoolFixture.BUSY, gpu.path("uuid").asText(), "only the GPU that reported usage has samples");
        assertEquals(PoolFixture.NODE, gpu.path("node").asText());
        int n = gpu.path("t").size();
        assertTrue(n >= 1 && gpu.path("utilPercent").size() == n && gpu.path("memoryUsedMiB").size() == n, gpu.toString());
        assertTrue(h.path("vgpus").size() == 2, "both vGPUs have samples: " + h.path("vgpus"));
        long last = gpu.path("t").get(n - 1).asLong();
        JsonNode newer = fixture.get("api/v1/portal/history?seconds=60&after=" + last);
        for (JsonNode t : newer.path("gpus").get(0).path("t")) assertTrue(t.asLong() > last, "only samples after 'after'");

        for (String[] c : new String[][] {{"seconds=0", "'seconds'"}, {"seconds=999999", "'seconds'"},
                {"after=-7", "'after'"}}) {
            HttpResponse<String> r = get("api/v1/portal/history?" + c[0]);
            assertEquals(400, r.statusCode(), c[0] + " -> " + r.body());
            assertTrue(r.body().contains(c[1]), c[0] + " -> " + r.body());
        }
        HttpResponse<String> ok = get("api/v1/portal/history");
        assertEquals("no-store", ok.headers().firstValue("Cache-Control").orElse(""), "live data is never cached");
    }
}
