package io.orion.rest.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardFilterPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers 503 (retry in a second) instead of a 500 and a logged stack trace for a request that
 * reaches the JAX-RS whiteboard while it is still wiring an application: CXF has registered the
 * servlet's destination but not yet the observer that dispatches to it, and fails with a
 * NullPointerException. Seen at every start when a health probe is quick, and possible whenever a
 * bundle adds or removes REST resources at run time. Anything else passes through untouched.
 */
@Component(service = Filter.class)
@HttpWhiteboardFilterPattern("/*")
@HttpWhiteboardContextSelect("(osgi.http.whiteboard.context.name=*)")
public final class ApiSettlingFilter implements Filter {

    private static final Logger LOG = LoggerFactory.getLogger(ApiSettlingFilter.class);
    static final String BODY = "{\"error\":\"the REST API is being set up (bundles starting or changing); retry in a moment\"}";

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        try {
            chain.doFilter(request, response);
        } catch (NullPointerException e) {
            if (!fromCxfDispatch(e) || response.isCommitted()) throw e;
            LOG.debug("request while the REST API is being set up; answered 503", e);
            HttpServletResponse http = (HttpServletResponse) response;
            http.reset();
            http.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            http.setHeader("Retry-After", "1");
            http.setContentType("application/json");
            http.getOutputStream().write(BODY.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The failure of a destination without its observer: thrown in CXF's HTTP transport itself. */
    static boolean fromCxfDispatch(NullPointerException e) {
        StackTraceElement[] trace = e.getStackTrace();
        return trace.length > 0 && trace[0].getClassName().startsWith("org.apache.cxf.transport.");
    }
}
