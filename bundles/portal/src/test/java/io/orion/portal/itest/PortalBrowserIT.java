package io.orion.portal.itest;

import static io.orion.portal.itest.PoolFixture.BUSY;
import static io.orion.portal.itest.PoolFixture.IDLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import io.orion.api.pool.PoolService;
import io.orion.api.pool.Vgpu;
import io.orion.testing.Bundles;
import io.orion.testing.Configs;
import io.orion.testing.Controller;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The portal in a real headless Chromium against the running platform: the overview's numbers,
 * the GPU table, graphs that render with data (checked on screenshots), allocate, resize and
 * release from the page with the REST state checked after each, a refusal showing the API's own message, and
 * switching the policy. Screenshots are kept in target/portal-browser/ for a human to look at.
 */
@ExtendWith(ServiceExtension.class)
class PortalBrowserIT {

    /** The series colours chart.js draws with (COLORS.util, COLORS.memused). */
    private static final int UTIL_RGB = 0x1d4ed8, MEMORY_RGB = 0x047857;
    private static final Path OUT = Path.of("target", "portal-browser");
    private static final Duration WAIT = Duration.ofSeconds(15);
    /**
     * Fewest pixels of a series colour that count as a drawn line: the two-second ramp in a
     * one-minute window is a narrow band of a few hundred; axes and grid have none.
     */
    private static final int MIN_SERIES_PIXELS = 40;
    /** Loading takes tens of milliseconds on localhost; this leaves room for a busy CI machine. */
    private static final double FIRST_DATA_MILLIS = 2000;

    @InjectService ConfigurationAdmin cm;
    private PoolFixture fixture;
    private Browser browser;
    private String policyBefore;

    @BeforeEach
    void start(TestInfo test) throws Exception {
        PoolService pool = Controller.inMemory(Bundles.framework(getClass()), cm);
        fixture = new PoolFixture(pool);
        // Sample every 100 ms so that the ramp of fast heartbeats shows as a moving line. The
        // history restarts with a new setting: the beats start once it runs with this one.
        Configs.set(cm, "io.orion.portal.history", "sampleMillis", 100);
        Browser.until("the history to sample every 100 ms", WAIT, () -> {
            HttpResponse<String> r = fixture.send("GET", "api/v1/portal/history?seconds=60", null);
            return r.statusCode() == 200 && r.body().contains("\"sampleMillis\" : 100");
        });
        fixture.beating();
        policyBefore = fixture.get("api/v1/policies/active").path("name").asText();
        browser = Browser.start(OUT.resolve(test.getTestMethod().orElseThrow().getName()));
    }

    @AfterEach
    void stop() throws IOException {
        try {
            if (browser != null) {
                String errors = browser.consoleErrors();
                browser.close();
                assertEquals("", errors, "the page logged errors");
            }
        } finally {
            if (fixture != null) {
                if (policyBefore != null && !policyBefore.isEmpty())
                    fixture.send("PUT", "api/v1/policies/active", "{\"name\":\"" + policyBefore + "\"}");
                fixture.close();
            }
            Configs.reset(cm, "io.orion.portal.history");
        }
    }

    private void save(String name, byte[] png) throws IOException {
        Files.createDirectories(OUT);
        Files.write(OUT.resolve(name + ".png"), png);
    }

    /** The portal's own rendering of MiB (format.js mib()). */
    private static String mib(long v) {
        return v >= 1024 ? String.format(Locale.ROOT, "%.1f GiB", v / 1024.0) : v + " MiB";
    }

    @Test
    void overviewAndGpuGraphsShowTheLivePool() throws Exception {
        browser.open(PoolFixture.BASE + "portal/?refresh=1");
        JsonNode pool = fixture.get("api/v1/pool");
        Browser.until("the overview to show the pool", WAIT,
                () -> browser.text(browser.find("[data-summary='gpus']")).equals("2"));
        assertEquals("1 of 1", browser.text(browser.find("[data-summary='nodes']")));
        assertEquals(mib(2 * PoolFixture.VGPU_MIB) + " of " + mib(2 * PoolFixture.GPU_MIB),
                browser.text(browser.find("[data-summary='memory']")));
        assertEquals("16.0 GiB of 160.0 GiB", browser.text(browser.find("[data-summary='memory']")));
        assertEquals("2", browser.text(browser.find("[data-summary='vgpus']")));
        assertEquals("1", browser.text(browser.find("[data-summary='allocations']")));
        assertEquals(pool.path("policy").asText(), browser.text(browser.find("[data-summary='policy']")));
        // From navigation to the first data on screen: all files, modules and the first API answers.
        double firstData = browser.script("return performance.getEntriesByName('orion-first-data')[0].startTime;").asDouble();
        System.out.printf("portal: first data on screen %.0f ms after navigation%n", firstData);
        assertTrue(firstData > 0 && firstData < FIRST_DATA_MILLIS, "the page loads fast: first data after " + firstData + " ms");
        save("overview", browser.screenshot());

        Browser.until("every ramp value to be reported", WAIT, fixture::ramped);
        browser.click(browser.find("nav a[href='#gpus']"));
        String busyRow = "#gpu-table tbody tr[data-id='" + BUSY + "']";
        Browser.until("the GPU table to show the steady utilization", WAIT,
                () -> browser.text(browser.find(busyRow + " [data-field='util']")).equals(PoolFixture.STEADY_UTIL + " %"));
        String row = browser.text(browser.find(busyRow));
        assertTrue(row.contains(PoolFixture.NODE) && row.contains("Orion Test GPU")
                && row.contains(mib(PoolFixture.VGPU_MIB) + " of " + mib(PoolFixture.GPU_MIB)) && row.contains("1 of 8"), row);
        JsonNode restGpu = null;
        for (JsonNode g : fixture.get("api/v1/gpus")) if (g.path("uuid").asText().equals(BUSY)) restGpu = g;
        assertEquals(PoolFixture.STEADY_UTIL, restGpu.path("usage").path("utilPercent").asInt(), "REST agrees with the table");
        assertEquals("–", browser.text(browser.find("#gpu-table tbody tr[data-id='" + IDLE + "'] [data-field='util']")),
                "a GPU without reports shows no utilization");

        // The graphs, over the last minute: wait until the page holds the whole ramp, then look at what was drawn.
        browser.click(browser.find("#window option[value='60']"));
        String busyCaption = "article[data-gpu='" + BUSY + "'] [data-caption='util']";
        Browser.until("the utilization graph's caption to report the ramp's peak", WAIT,
                () -> browser.text(browser.find(busyCaption)).contains("peak 95 %"));
        byte[] busyUtil = browser.screenshot(browser.find("canvas[data-chart='util'][data-gpu='" + BUSY + "']"));
        byte[] busyMemory = browser.screenshot(browser.find("canvas[data-chart='memory'][data-gpu='" + BUSY + "']"));
        byte[] idleUtil = browser.screenshot(browser.find("canvas[data-chart='util'][data-gpu='" + IDLE + "']"));
        save("gpu-busy-util", busyUtil);
        save("gpu-busy-memory", busyMemory);
        save("gpu-idle-util", idleUtil);
        save("gpus", browser.screenshot());

        ChartPixels util = ChartPixels.of(busyUtil, UTIL_RGB, 24);
        ChartPixels memory = ChartPixels.of(busyMemory, MEMORY_RGB, 24);
        ChartPixels idle = ChartPixels.of(idleUtil, UTIL_RGB, 24);
        assertTrue(util.width() > 300 && util.height() > 100, "the chart has a size: " + util);
        assertTrue(util.matching() > MIN_SERIES_PIXELS, "the utilization line is drawn: " + util);
        // The ramp went from 10 % to 95 %: the line must climb through most of the plot's height.
        assertTrue(util.rows() > util.height() * 0.4, "the utilization line follows the data up and down: " + util);
        assertTrue(memory.matching() > MIN_SERIES_PIXELS && memory.rows() > 10, "the memory line is drawn: " + memory);
        assertEquals(0, idle.matching(), "a GPU that reported nothing has no utilization line: " + idle);
        assertTrue(browser.text(browser.find("article[data-gpu='" + IDLE + "'] [data-caption='util']")).contains("No utilization"));
        String label = browser.attribute(browser.find("canvas[data-chart='util'][data-gpu='" + BUSY + "']"), "aria-label");
        assertTrue(label.contains(BUSY) && label.contains("peak 95 %"), "the chart is described for screen readers: " + label);
    }

    @Test
    void resizeAndReleaseFromThePage() throws Exception {
        Vgpu v = fixture.vgpu(0);
        browser.open(PoolFixture.BASE + "portal/?refresh=1#vgpus");
        String row = "#vgpu-table tbody tr[data-id='" + v.id() + "']";
        Browser.until("the vGPU's process to show", WAIT,
                () -> browser.text(browser.find(row + " [data-field='process']")).equals(PoolFixture.PROCESS));
        String text = browser.text(browser.find(row));
        assertTrue(text.contains("team-a") && text.contains(v.allocationId()) && text.contains("8.0 GiB") && text.contains("25 %"), text);

        // Resize: memory and ratio through the form; the REST API must report the new size.
        assertTrue(!browser.displayed(browser.find("#resize-form")), "the resize form shows only when asked for");
        browser.click(browser.find(row + " button[data-action='resize']"));
        assertTrue(browser.displayed(browser.find("#resize-form")));
        browser.type(browser.find("#resize-memory"), "12288");
        browser.type(browser.find("#resize-ratio"), "40");
        browser.click(browser.find("#resize-form button[type='submit']"));
        Browser.until("the resize to reach the REST API", WAIT, () -> vgpuJson(v.id()).path("memoryMiB").asLong() == 12288);
        assertEquals(40, vgpuJson(v.id()).path("ratio").asInt());
        Browser.until("the page to confirm the resize", WAIT,
                () -> browser.text(browser.find("#action-message")).contains("Resized " + v.id()));
        Browser.until("the table to show the new size", WAIT,
                () -> browser.text(browser.find(row + " [data-field='memory']")).equals("12.0 GiB"));
        assertTrue(!browser.displayed(browser.find("#resize-form")), "the form closes after a resize");

        // A resize the GPU cannot carry: the page shows the API's own words, and nothing changed.
        HttpResponse<String> refused = fixture.send("PUT", "api/v1/vgpus/" + v.id(), "{\"memoryMiB\":900000,\"ratio\":40}");
        assertEquals(400, refused.statusCode(), refused.body());
        String apiSaid = fixture.parse(refused.body()).path("error").asText();
        assertTrue(!apiSaid.isEmpty(), refused.body());
        browser.click(browser.find(row + " button[data-action='resize']"));
        browser.type(browser.find("#resize-memory"), "900000");
        browser.click(browser.find("#resize-form button[type='submit']"));
        Browser.until("the page to show the API's refusal", WAIT,
                () -> browser.text(browser.find("#action-message")).contains(apiSaid));
        assertEquals("alert", browser.attribute(browser.find("#action-message"), "role"), "a refusal is announced");
        assertEquals(12288, vgpuJson(v.id()).path("memoryMiB").asLong(), "the refused resize changed nothing");
        save("vgpus-refused", browser.screenshot());

        // Release: two presses (the second confirms); the allocation is gone from REST and from the page.
        String release = row + " button[data-action='release']";
        browser.click(browser.find(release));
        assertEquals("Confirm release", browser.text(browser.find(release)));
        assertEquals(200, fixture.send("GET", "api/v1/allocations/" + v.allocationId(), null).statusCode(),
                "one press releases nothing");
        browser.click(browser.find(release));
        Browser.until("the release to reach the REST API", WAIT,
                () -> fixture.send("GET", "api/v1/allocations/" + v.allocationId(), null).statusCode() == 404);
        Browser.until("the vGPU to leave the table", WAIT, () -> browser.all(row).isEmpty());
        assertTrue(browser.text(browser.find("#action-message")).contains("Released allocation " + v.allocationId()));
    }

    @Test
    void allocateResizeAndReleaseFromThePage() throws Exception {
        browser.open(PoolFixture.BASE + "portal/?refresh=1#vgpus");
        Browser.until("the fixture's vGPUs to show", WAIT, () -> browser.all("#vgpu-table tbody tr").size() == 2);

        // Allocate through the form: one vGPU of 4 GiB at 30 % in group team-b.
        browser.click(browser.find("#allocate summary"));
        assertTrue(browser.displayed(browser.find("#allocate-form")), "the allocate form opens");
        browser.type(browser.find("#allocate-count"), "1");
        browser.type(browser.find("#allocate-memory"), "4096");
        browser.type(browser.find("#allocate-ratio"), "30");
        browser.type(browser.find("#allocate-group"), "team-b");
        browser.click(browser.find("#allocate-form button[type='submit']"));
        Browser.until("the page to confirm the allocation", WAIT,
                () -> browser.text(browser.find("#allocate-message")).startsWith("Allocated "));
        String said = browser.text(browser.find("#allocate-message"));

        // The REST API holds exactly that allocation, made by the portal, and the page names it.
        JsonNode made = null;
        for (JsonNode a : fixture.get("api/v1/allocations"))
            if (!a.path("id").asText().equals(fixture.allocation.id())) made = a;
        assertTrue(made != null, "the REST API lists the page's allocation");
        String allocationId = made.path("id").asText();
        assertEquals("portal", made.path("owner").asText());
        assertEquals(1, made.path("request").path("count").asInt(), made.toString());
        assertEquals(4096, made.path("request").path("memoryMiB").asLong(), made.toString());
        assertEquals(30, made.path("request").path("ratio").asInt(), made.toString());
        assertEquals(1, made.path("vgpus").size(), made.toString());
        JsonNode vgpu = made.path("vgpus").get(0);
        String vgpuId = vgpu.path("id").asText();
        assertEquals("team-b", vgpu.path("groupId").asText(), vgpu.toString());
        assertTrue(said.contains(allocationId) && said.contains(vgpuId + " on " + PoolFixture.NODE + "/"), said);

        // The new vGPU gets its row; resize it from there and check the REST API follows.
        String row = "#vgpu-table tbody tr[data-id='" + vgpuId + "']";
        Browser.until("the new vGPU's row", WAIT, () -> browser.all(row).size() == 1);
        String text = browser.text(browser.find(row));
        assertTrue(text.contains("team-b") && text.contains(allocationId) && text.contains("4.0 GiB") && text.contains("30 %"), text);
        browser.click(browser.find(row + " button[data-action='resize']"));
        browser.type(browser.find("#resize-memory"), "6144");
        browser.type(browser.find("#resize-ratio"), "45");
        browser.click(browser.find("#resize-form button[type='submit']"));
        Browser.until("the resize to reach the REST API", WAIT, () -> vgpuJson(vgpuId).path("memoryMiB").asLong() == 6144);
        assertEquals(45, vgpuJson(vgpuId).path("ratio").asInt());
        Browser.until("the table to show the new size", WAIT,
                () -> browser.text(browser.find(row + " [data-field='memory']")).equals("6.0 GiB"));
        save("vgpus-allocated", browser.screenshot());

        // Release it (two presses); the fixture's own allocation stays.
        String release = row + " button[data-action='release']";
        browser.click(browser.find(release));
        browser.click(browser.find(release));
        Browser.until("the release to reach the REST API", WAIT,
                () -> fixture.send("GET", "api/v1/allocations/" + allocationId, null).statusCode() == 404);
        Browser.until("the vGPU to leave the table", WAIT, () -> browser.all(row).isEmpty());
        assertEquals(200, fixture.send("GET", "api/v1/allocations/" + fixture.allocation.id(), null).statusCode(),
                "only the page's allocation was released");
        assertEquals(2, browser.all("#vgpu-table tbody tr").size());
    }

    @Test
    void policyNodesAndEventsFromThePage() throws Exception {
        browser.open(PoolFixture.BASE + "portal/?refresh=1#policy");
        Browser.until("the policy in force to show", WAIT,
                () -> browser.text(browser.find("#policy-active")).equals(policyBefore));
        String other = null;
        for (JsonNode p : fixture.get("api/v1/policies"))
            if (!p.path("name").asText().equals(policyBefore)) other = p.path("name").asText();
        assertTrue(other != null, "the test runtime has two policies");
        browser.click(browser.find("#policy-list input[value='" + other + "']"));
        browser.click(browser.find("#policy-form button[type='submit']"));
        String chosen = other;
        Browser.until("the REST API to report the new policy", WAIT,
                () -> fixture.get("api/v1/policies/active").path("name").asText().equals(chosen));
        Browser.until("the page to show it in force", WAIT, () -> browser.text(browser.find("#policy-active")).equals(chosen));

        browser.click(browser.find("nav a[href='#nodes']"));
        String node = "#node-table tbody tr[data-id='" + PoolFixture.NODE + "']";
        Browser.until("the node to show as up", WAIT, () -> browser.all(node).size() == 1
                && browser.text(browser.find(node)).contains("up"));
        String nodeRow = browser.text(browser.find(node));
        assertTrue(nodeRow.contains("10.9.0.7") && nodeRow.contains("tcp tcp://10.9.0.7:9960") && nodeRow.contains("s ago"), nodeRow);

        browser.click(browser.find("nav a[href='#events']"));
        String allocation = fixture.allocation.id();
        Browser.until("the events to list the test's allocation", WAIT, () -> {
            String events = browser.text(browser.find("#event-table"));
            return events.contains("ALLOCATED") && events.contains(allocation);
        });
        assertEquals("page", browser.attribute(browser.find("nav a[href='#events']"), "aria-current"));
        save("events", browser.screenshot());
    }

    private JsonNode vgpuJson(String id) {
        for (JsonNode v : fixture.get("api/v1/vgpus")) if (v.path("id").asText().equals(id)) return v;
        throw new AssertionError("no vGPU " + id + " in /api/v1/vgpus");
    }
}
