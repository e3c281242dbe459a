package io.orion.metrics.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/** {@code GET /metrics}: every metric in Prometheus text format. */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/metrics")
public final class MetricsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient MetricsHub hub;

    @Activate
    public MetricsServlet(@Reference MetricsHub hub) {
        this.hub = hub;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        byte[] body = hub.scrape().getBytes(StandardCharsets.UTF_8);
        resp.setContentType("text/plain; version=0.0.4; charset=utf-8");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
