package io.orion.rest.internal;

import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.ext.ExceptionMapper;

import io.orion.rest.Json;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtension;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtensionSelect;

/** An {@link IllegalArgumentException} from a resource is the client's mistake: 400 with its message. */
@Component(service = ExceptionMapper.class)
@JaxrsExtension
@JaxrsExtensionSelect(Json.SELECT)
public final class BadInputMapper implements ExceptionMapper<IllegalArgumentException> {
    @Override
    public Response toResponse(IllegalArgumentException e) {
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON)
                .entity(new ApiError(400, e.getMessage())).build();
    }
}
