package io.orion.portal.itest;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real headless Chromium, driven through Debian's ChromeDriver with the W3C WebDriver protocol
 * (JSON over HTTP, the protocol Selenium speaks). The dozen commands the portal test needs are
 * written here against the JDK's HTTP client, because Selenium's Java bindings are some twenty
 * plain jars that would each have to be wrapped to run inside the OSGi framework, where the
 * platform under test runs.
 *
 * <p>Chromium runs with the flags this machine kind needs: no sandbox (CI runs as root), no GPU,
 * and no background networking (its connections would be refused on a closed network), with a
 * fresh profile that is deleted afterwards.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("ORION_CHROMIUM", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("ORION_CHROMEDRIVER", "/usr/bin/chromedriver"));
    /** The key under which WebDriver names an element (W3C WebDriver, "web element identifier"). */
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Process driver;
    private final Path profile;
    private final URI base;
    private String session;

    /** Starts ChromeDriver and a Chromium session; fails, never skips, when either program is missing. */
    static Browser start(Path logs) throws IOException, InterruptedException {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) missing.add(CHROMIUM.toString());
        if (!Files.isExecutable(CHROMEDRIVER)) missing.add(CHROMEDRIVER.toString());
        if (!missing.isEmpty())
            throw new AssertionError("the portal's browser test needs Chromium and ChromeDriver; missing: " + missing
                    + ". Install them with bin/ensure-browser (as root; CI does this in .ci/run) or "
                    + "'sudo apt-get install chromium chromium-driver'; ORION_CHROMIUM and ORION_CHROMEDRIVER name other paths.");
        return new Browser(logs);
    }

    private Browser(Path logs) throws IOException, InterruptedException {
        Files.createDirectories(logs);
        profile = Files.createTempDirectory("orion-portal-chromium-");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        base = URI.create("http://127.0.0.1:" + port + "/");
        driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--log-level=WARNING")
                .redirectErrorStream(true).redirectOutput(logs.resolve("chromedriver.log").toFile()).start();
        try {
            awaitDriver();
            Map<String, Object> chrome = Map.of("binary", CHROMIUM.toString(), "args", List.of(
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--force-device-scale-factor=1", "--hide-scrollbars",
                    "--window-size=1400,1100", "--user-data-dir=" + profile));
            JsonNode created = command("POST", "session", Map.of("capabilities", Map.of("alwaysMatch",
                    Map.of("browserName", "chrome", "goog:chromeOptions", chrome,
                            "goog:loggingPrefs", Map.of("browser", "ALL")))));
            session = created.path("sessionId").asText();
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private void awaitDriver() throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < end) {
            if (!driver.isAlive()) throw new AssertionError("chromedriver exited with " + driver.exitValue() + " (see chromedriver.log)");
            try {
                if (command("GET", "status", null).path("ready").asBoolean()) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("chromedriver did not become ready in 20 s");
    }

    /** One WebDriver command; its "value", or an AssertionError with WebDriver's error and message. */
    private JsonNode command(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json; charset=utf-8")
                        .method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode value = json.readTree(r.body()).path("value");
        if (r.statusCode() != 200)
            throw new AssertionError("WebDriver " + method + " /" + path + ": " + value.path("error").asText()
                    + ": " + value.path("message").asText());
        return value;
    }

    private JsonNode call(String method, String path, Object body) {
        try {
            return command(method, "session/" + session + "/" + path, body);
        } catch (IOException e) {
            throw new AssertionError("WebDriver " + method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted during WebDriver " + path, e);
        }
    }

    void open(String url) {
        call("POST", "url", Map.of("url", url));
    }

    /** The elements matching a CSS selector now (possibly none). */
    List<String> all(String css) {
        List<String> ids = new ArrayList<>();
        call("POST", "elements", Map.of("using", "css selector", "value", css)).forEach(e -> ids.add(e.path(ELEMENT).asText()));
        return ids;
    }

    /** The first element matching a CSS selector, waiting up to 10 s for it to appear. */
    String find(String css) {
        List<String> found = new ArrayList<>();
        until("an element matching '" + css + "'", Duration.ofSeconds(10), () -> {
            found.addAll(all(css));
            return !found.isEmpty();
        });
        return found.getFirst();
    }

    String text(String element) {
        return call("GET", "element/" + element + "/text", null).asText();
    }

    String attribute(String element, String name) {
        JsonNode v = call("GET", "element/" + element + "/attribute/" + name, null);
        return v.isNull() ? null : v.asText();
    }

    /** Whether the element is shown (WebDriver's visibility: not hidden, not display:none, has a size). */
    boolean displayed(String element) {
        return call("GET", "element/" + element + "/displayed", null).asBoolean();
    }

    void click(String element) {
        call("POST", "element/" + element + "/click", Map.of());
    }

    /** Replaces an input's value, as a user selecting it and typing would. */
    void type(String element, String value) {
        call("POST", "element/" + element + "/clear", Map.of());
        call("POST", "element/" + element + "/value", Map.of("text", value));
    }

    /** Runs JavaScript in the page: {@code return …} gives a value back. */
    JsonNode script(String js, Object... args) {
        return call("POST", "execute/sync", Map.of("script", js, "args", List.of(args)));
    }

    /** A PNG of one element as drawn on screen (scrolled into view first). */
    byte[] screenshot(String element) {
        return Base64.getDecoder().decode(call("GET", "element/" + element + "/screenshot", null).asText());
    }

    /** A PNG of the whole viewport. */
    byte[] screenshot() {
        return Base64.getDecoder().decode(call("GET", "screenshot", null).asText());
    }

    /**
     * The page's console messages at level SEVERE since the last call (script errors, failed
     * loads, Content-Security-Policy violations), one per line. Chromium also logs every answer
     * of 400 or 409 as a failed load; those are the API refusing a request, which the page shows
     * the user (and a test checks), so they are left out.
     */
    String consoleErrors() {
        StringBuilder out = new StringBuilder();
        call("POST", "se/log", Map.of("type", "browser")).forEach(e -> {
            String m = e.path("message").asText();
            boolean refusal = m.contains("/api/v1/") && (m.contains("status of 400") || m.contains("status of 409"));
            if ("SEVERE".equals(e.path("level").asText()) && !refusal) out.append(m).append('\n');
        });
        return out.toString();
    }

    /** Polls every 100 ms until the condition holds; an AssertionError naming {@code what} after {@code timeout}. */
    static void until(String what, Duration timeout, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    @Override
    public void close() {
        try {
            if (session != null) command("DELETE", "session/" + session, null);
        } catch (IOException | InterruptedException | RuntimeException | Error ignored) {
            // the browser is going away anyway; the process is ended below
        } finally {
            session = null;
            driver.destroy();
            try {
                if (!driver.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) driver.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                driver.destroyForcibly();
            }
            deleteProfile();
        }
    }

    private void deleteProfile() {
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}
