package io.orion.agent.internal;

import java.util.List;

import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.GET;
import javax.ws.rs.NotFoundException;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

import io.orion.api.pool.Vgpu;
import io.orion.api.server.SessionInfo;
import io.orion.api.server.VgpuServer;
import io.orion.api.server.VgpuStatus;
import io.orion.rest.Json;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtensionSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * A server's control API, {@code /api/v1/server}: the controller pushes grants, resizes and
 * revocations here so they apply at once (heartbeats reconcile anything missed); operators read
 * the server's vGPUs and sessions.
 */
@Component(service = ServerControlResource.class)
@JaxrsResource
@JaxrsExtensionSelect(Json.SELECT)
@Path(Json.API + "/server")
@Produces(MediaType.APPLICATION_JSON)
public final class ServerControlResource {

    /** Body of PUT /api/v1/server/vgpus/{id}: the vGPU as the pool holds it. */
    public record GrantBody(String allocationId, String node, String gpu, Long memoryMiB, Integer ratio, String groupId) {}

    private final NodeAgent agent;
    private final VgpuServer server;

    @Activate
    public ServerControlResource(@Reference NodeAgent agent, @Reference VgpuServer server) {
        this.agent = agent;
        this.server = server;
    }

    @GET
    @Path("vgpus")
    public List<VgpuStatus> vgpus() { return server.vgpus(); }

    @GET
    @Path("sessions")
    public List<SessionInfo> sessions() { return server.sessions(); }

    @PUT
    @Path("vgpus/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public VgpuStatus grant(@PathParam("id") String id, GrantBody body) {
        if (body == null) throw new IllegalArgumentException("a JSON body is required: {allocationId, gpu, memoryMiB, ratio, groupId}");
        if (body.gpu() == null || body.gpu().isBlank()) throw new IllegalArgumentException("field 'gpu' is required");
        if (body.memoryMiB() == null) throw new IllegalArgumentException("field 'memoryMiB' is required");
        if (body.ratio() == null) throw new IllegalArgumentException("field 'ratio' is required");
        String node = body.node() == null || body.node().isBlank() ? agent.nodeName() : body.node();
        if (!node.equals(agent.nodeName()))
            throw new IllegalArgumentException("field 'node': vGPU " + id + " is on node " + node + ", this is " + agent.nodeName());
        Vgpu v = new Vgpu(id, body.allocationId() == null ? "" : body.allocationId(), 0, node, body.gpu(),
                body.memoryMiB(), body.ratio(), body.groupId() == null ? "" : body.groupId());
        agent.grants().resize(v); // grants when new, resizes when known
        return server.vgpu(id).orElseThrow(() -> new IllegalArgumentException("vGPU " + id + " could not be granted (see the server log)"));
    }

    @DELETE
    @Path("vgpus/{id}")
    public Response revoke(@PathParam("id") String id) {
        if (server.vgpu(id).isEmpty()) throw new NotFoundException("vGPU " + id + " is not granted here");
        agent.grants().revoke(id);
        return Response.noContent().build();
    }
}
