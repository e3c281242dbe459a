package io.orion.rest.internal;

import java.util.List;
import java.util.Map;

import javax.ws.rs.GET;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.Consumes;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;

import io.orion.api.platform.Platform;
import io.orion.api.platform.PluginInfo;
import io.orion.api.platform.PluginKind;
import io.orion.rest.Json;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtensionSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/** The platform's plugins: {@code GET /api/v1/plugins}, {@code GET|PUT /api/v1/policies/active}. */
@Component(service = PlatformResource.class)
@JaxrsResource
@JaxrsExtensionSelect(Json.SELECT)
@Path(Json.API)
@Produces(MediaType.APPLICATION_JSON)
public final class PlatformResource {

    /** Body of {@code PUT /api/v1/policies/active}. */
    public record PolicyChoice(String name) {}

    private final Platform platform;

    @Activate
    public PlatformResource(@Reference Platform platform) {
        this.platform = platform;
    }

    @GET
    @Path("plugins")
    public Map<String, List<PluginInfo>> plugins() {
        return Map.of("policies", platform.plugins(PluginKind.POLICY),
                "backends", platform.plugins(PluginKind.BACKEND),
                "transports", platform.plugins(PluginKind.TRANSPORT));
    }

    @GET
    @Path("policies")
    public List<PluginInfo> policies() {
        return platform.plugins(PluginKind.POLICY);
    }

    @GET
    @Path("policies/active")
    public PolicyChoice activePolicy() {
        return new PolicyChoice(platform.activePolicy().map(p -> p.name()).orElse(""));
    }

    @PUT
    @Path("policies/active")
    @Consumes(MediaType.APPLICATION_JSON)
    public PolicyChoice selectPolicy(PolicyChoice choice) {
        if (choice == null || choice.name() == null || choice.name().isBlank())
            throw new IllegalArgumentException("field 'name': the policy's name is required");
        platform.selectPolicy(choice.name());
        return new PolicyChoice(choice.name().trim());
    }
}
