package io.orion.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import javax.servlet.FilterChain;
import javax.servlet.ServletOutputStream;
import javax.servlet.WriteListener;
import javax.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.Test;

/** A request that meets CXF half-wired gets a 503 to retry; every other failure is left alone. */
class ApiSettlingFilterTest {

    private final Map<String, Object> sent = new HashMap<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    /** Records status, headers and body; the filter calls nothing else. */
    private HttpServletResponse response(boolean committed) {
        ServletOutputStream out = new ServletOutputStream() {
            @Override public void write(int b) { body.write(b); }
            @Override public boolean isReady() { return true; }
            @Override public void setWriteListener(WriteListener l) {}
        };
        return (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {HttpServletResponse.class},
                (p, m, a) -> switch (m.getName()) {
                    case "isCommitted" -> committed;
                    case "getOutputStream" -> out;
                    case "setStatus", "setContentType" -> sent.put(m.getName(), a[0]);
                    case "setHeader" -> sent.put(a[0].toString(), a[1]);
                    default -> null;
                });
    }

    private static NullPointerException thrownIn(String className) {
        NullPointerException e = new NullPointerException("this.incomingObserver is null");
        e.setStackTrace(new StackTraceElement[] {new StackTraceElement(className, "invoke", "X.java", 265)});
        return e;
    }

    @Test
    void aDestinationWithoutItsObserverIsAServiceUnavailableToRetry() throws Exception {
        FilterChain chain = (req, res) -> { throw thrownIn("org.apache.cxf.transport.http.AbstractHTTPDestination"); };
        new ApiSettlingFilter().doFilter(null, response(false), chain);
        assertEquals(503, sent.get("setStatus"));
        assertEquals("1", sent.get("Retry-After"));
        assertEquals(ApiSettlingFilter.BODY, body.toString(StandardCharsets.UTF_8));
    }

    @Test
    void otherFailuresAndCommittedResponsesAreNotHidden() {
        NullPointerException ours = thrownIn("io.orion.rest.internal.PoolResource");
        assertSame(ours, assertThrows(NullPointerException.class,
                () -> new ApiSettlingFilter().doFilter(null, response(false), (req, res) -> { throw ours; })));
        NullPointerException late = thrownIn("org.apache.cxf.transport.http.AbstractHTTPDestination");
        assertSame(late, assertThrows(NullPointerException.class,
                () -> new ApiSettlingFilter().doFilter(null, response(true), (req, res) -> { throw late; })));
        assertEquals(Map.of(), sent);
    }
}
