package io.orion.rest.internal;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

import io.orion.api.platform.Platform;
import io.orion.api.platform.PluginInfo;
import io.orion.api.platform.PluginKind;
import io.orion.api.pool.PoolService;
import io.orion.rest.Json;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtensionSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * {@code GET /health}: 200 when the runtime can do its job, 503 with the reasons when it cannot
 * (a controller role without a policy or pool, a server role without a backend).
 */
@Component(service = HealthResource.class)
@JaxrsResource
@JaxrsExtensionSelect(Json.SELECT)
@Path("health")
@Produces(MediaType.APPLICATION_JSON)
public final class HealthResource {

    /** The health answer. */
    public record Health(String status, String role, String policy, String backend, List<String> transports,
                         long uptimeSeconds, List<String> problems) {}

    private final Platform platform;
    private volatile PoolService pool;

    @Activate
    public HealthResource(@Reference Platform platform) {
        this.platform = platform;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setPool(PoolService p) { pool = p; }

    void unsetPool(PoolService p) {
        if (pool == p) pool = null;
    }

    @GET
    public Response health() {
        Health h = check(platform, pool != null);
        return Response.status(h.problems().isEmpty() ? 200 : 503).entity(h).build();
    }

    static Health check(Platform platform, boolean hasPool) {
        String role = platform.role();
        String policy = inUse(platform, PluginKind.POLICY);
        String backend = inUse(platform, PluginKind.BACKEND);
        List<String> transports = platform.plugins(PluginKind.TRANSPORT).stream().filter(PluginInfo::inUse).map(PluginInfo::name).toList();
        List<String> problems = new ArrayList<>();
        // what the role has to do decides what it needs: the controller roles (controller,
        // controller-k8s, standalone) a policy and the pool; the server roles a backend; the others
        // (device plugin, scheduler, helper, monitor) only a running core
        boolean controller = role.equals("standalone") || role.startsWith("controller");
        boolean server = role.equals("standalone") || role.startsWith("server");
        if (controller && policy.isEmpty()) problems.add("no scheduling policy is installed");
        if (controller && !hasPool) problems.add("the pool is not available (is its state store installed and open? see the log)");
        if (server && backend.isEmpty()) problems.add("no GPU backend is installed");
        return new Health(problems.isEmpty() ? "UP" : "DEGRADED", role, policy, backend, transports,
                ManagementFactory.getRuntimeMXBean().getUptime() / 1000, problems);
    }

    private static String inUse(Platform p, PluginKind kind) {
        return p.plugins(kind).stream().filter(PluginInfo::inUse).map(PluginInfo::name).findFirst().orElse("");
    }
}
