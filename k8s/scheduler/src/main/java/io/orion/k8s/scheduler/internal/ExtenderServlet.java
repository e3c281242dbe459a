package io.orion.k8s.scheduler.internal;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.orion.k8s.client.ControllerClient;
import io.orion.k8s.client.KubeClient;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.http.whiteboard.HttpWhiteboardConstants;

/**
 * The extender over HTTP: POST {path}/filter, {path}/prioritize, {path}/bind with JSON bodies;
 * GET {path}/healthz. Every verb answers 200 with JSON; a problem goes in the result's Error
 * field (kube-scheduler takes any other status as a failed call and loses the message). It
 * waits for its configuration (the chart's io.orion.k8s.scheduler.cfg).
 */
@Component(service = Servlet.class, configurationPid = ExtenderServlet.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN + "=/orion-scheduler/*")
@Designate(ocd = SchedulerConfig.class)
public final class ExtenderServlet extends HttpServlet {
    static final String PID = "io.orion.k8s.scheduler";
    private static final long serialVersionUID = 1L;

    private final transient ObjectMapper json = new ObjectMapper();
    private final transient Extender extender;

    @Activate
    public ExtenderServlet(SchedulerConfig config) {
        this(extender(config));
    }

    ExtenderServlet(Extender extender) {
        this.extender = extender;
    }

    private static Extender extender(SchedulerConfig config) {
        String address = config.controllerAddress().isBlank() ? System.getenv().getOrDefault("ORION_CONTROLLER", "") : config.controllerAddress();
        if (address.isBlank())
            throw new IllegalArgumentException("no controller address: set controllerAddress in " + PID + " or ORION_CONTROLLER");
        // kube-scheduler waits 30 s at most for an extender (httpTimeout in the chart); stay well inside it.
        ControllerClient controller = ControllerClient.of(address, Duration.ofSeconds(5));
        Supplier<KubeClient> kube = new Supplier<>() {
            private volatile KubeClient client;
            @Override public KubeClient get() {
                KubeClient c = client;
                if (c == null) client = c = KubeClient.inCluster();
                return c;
            }
        };
        return new Extender(controller, kube, config.resourceName(), config.placement(), config.defaultGmemMiB(),
                config.defaultRatio(), Clock.systemUTC());
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if ("/healthz".equals(req.getPathInfo())) {
            resp.setContentType("text/plain");
            resp.getWriter().write("ok");
        } else {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND, "GET " + req.getPathInfo() + ": only /healthz answers GET");
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String verb = req.getPathInfo() == null ? "" : req.getPathInfo();
        JsonNode args;
        try {
            args = json.readTree(req.getInputStream());
        } catch (JsonProcessingException e) {
            resp.sendError(HttpServletResponse.SC_BAD_REQUEST, "POST " + verb + ": the body is not JSON: " + e.getOriginalMessage());
            return;
        }
        if (args == null || !args.isObject()) {
            resp.sendError(HttpServletResponse.SC_BAD_REQUEST, "POST " + verb + ": the body must be a JSON object");
            return;
        }
        JsonNode answer = answer(verb, args);
        if (answer == null) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND, "unknown verb '" + verb + "': use /filter, /prioritize or /bind");
            return;
        }
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        json.writeValue(resp.getOutputStream(), answer);
    }

    /** The answer to one verb, or null for an unknown one. */
    JsonNode answer(String verb, JsonNode args) {
        return switch (verb) {
            case "/filter" -> extender.filter(args);
            case "/prioritize" -> extender.prioritize(args);
            case "/bind" -> extender.bind(args);
            default -> null;
        };
    }
}
