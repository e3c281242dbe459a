package io.orion.portal.internal;

import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.CacheControl;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

import io.orion.rest.Json;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtensionSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * {@code GET /api/v1/portal/history?seconds=300&after=…}: the recent usage the portal's graphs
 * draw (see {@link History}). JSON through the platform's JSON extension; a bad parameter gets
 * 400 naming it, as everywhere in the API.
 */
@Component(service = HistoryResource.class)
@JaxrsResource
@JaxrsExtensionSelect(Json.SELECT)
@Path(Json.API + "/portal")
@Produces(MediaType.APPLICATION_JSON)
public final class HistoryResource {

    private static final CacheControl NO_STORE = CacheControl.valueOf("no-store");

    private final UsageHistory history;

    @Activate
    public HistoryResource(@Reference UsageHistory history) {
        this.history = history;
    }

    @GET
    @Path("history")
    public Response history(@QueryParam("seconds") @DefaultValue("300") int seconds,
                            @QueryParam("after") @DefaultValue("-1") long after) {
        if (after < -1) throw new IllegalArgumentException("query parameter 'after' must be epoch milliseconds >= 0, was " + after);
        // read() checks 'seconds' against the configured history length and names it when out of range.
        History h = history.read(seconds, after < 0 ? Long.MIN_VALUE : after);
        // Live data: a cached answer would freeze the graphs.
        return Response.ok(h).cacheControl(NO_STORE).build();
    }
}
