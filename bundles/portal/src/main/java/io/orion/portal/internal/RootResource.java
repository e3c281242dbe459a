package io.orion.portal.internal;

import java.net.URI;

import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.core.Response;

import io.orion.api.pool.PoolService;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * The site root, {@code GET /}, sends a browser to the portal. A JAX-RS resource rather than a
 * servlet: the JAX-RS whiteboard's servlet owns {@code /*}, and the HTTP whiteboard ranks a
 * prefix pattern above the servlet spec's root pattern {@code ""}, so only the JAX-RS
 * application ever sees a request for {@code /}. Every other path keeps its own resource: this
 * class has one method, for the root alone.
 */
@Component(service = RootResource.class)
@JaxrsResource
@Path("/")
public final class RootResource {

    /** The pool is not called here: the reference keeps the redirect off runtimes that show no portal. */
    @Activate
    public RootResource(@Reference PoolService pool) {
        // nothing to keep
    }

    @GET
    public Response root() {
        // Relative: JAX-RS resolves it against the application's base URI, host and port as asked.
        return Response.seeOther(URI.create("portal/")).build();
    }
}
