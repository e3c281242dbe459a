package io.orion.portal.internal;

import java.io.IOException;
import java.util.Optional;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import io.orion.api.pool.PoolService;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * Serves the portal's pages at {@code /portal/}. The REST API keeps {@code /api/v1}: this prefix
 * is more specific than the JAX-RS whiteboard's {@code /*}. ({@link RootResource} sends {@code /} here.)
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/portal/*")
public final class PortalServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /**
     * The pages may talk only to this server: no CDN, no inline script, nothing framed. Charts are
     * drawn on canvas, so no image source is needed but for the data: favicon.
     */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final transient StaticFiles files;

    /** The pool is not called here: the reference keeps the portal off runtimes that have no pool to show. */
    @Activate
    public PortalServlet(@Reference PoolService pool) {
        this(new StaticFiles(name -> PortalServlet.class.getResourceAsStream("/web/" + name)));
    }

    PortalServlet(StaticFiles files) {
        this.files = files;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo();
        // "/portal": to "/portal/", so that the page's relative links resolve under it.
        if (path == null) {
            resp.sendRedirect(req.getContextPath() + "/portal/");
            return;
        }
        Optional<StaticFiles.Asset> found = files.find(path.substring(1));
        if (found.isEmpty()) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND, "no such portal file");
            return;
        }
        StaticFiles.Asset a = found.get();
        resp.setHeader("ETag", a.etag());
        // Revalidate every time: a new bundle's files show at once, an unchanged file costs a 304.
        resp.setHeader("Cache-Control", "no-cache");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Referrer-Policy", "no-referrer");
        if (a.name().endsWith(".html")) resp.setHeader("Content-Security-Policy", CSP);
        if (a.etag().equals(req.getHeader("If-None-Match"))) {
            resp.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        resp.setContentType(a.contentType());
        resp.setContentLength(a.bytes().length);
        resp.getOutputStream().write(a.bytes());
    }
}
