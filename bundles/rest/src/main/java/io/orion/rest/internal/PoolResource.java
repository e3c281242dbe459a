package io.orion.rest.internal;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.ws.rs.Consumes;
import javax.ws.rs.DELETE;
import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.NotFoundException;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;

import io.orion.api.platform.Platform;
import io.orion.api.pool.Allocation;
import io.orion.api.pool.AllocationResult;
import io.orion.api.pool.GpuUsage;
import io.orion.api.pool.GpuView;
import io.orion.api.pool.NodeReport;
import io.orion.api.pool.NodeStatus;
import io.orion.api.pool.NodeView;
import io.orion.api.pool.PoolEvent;
import io.orion.api.pool.PoolService;
import io.orion.api.pool.PoolView;
import io.orion.api.pool.Vgpu;
import io.orion.api.pool.VgpuRequest;
import io.orion.api.pool.VgpuUsage;
import io.orion.rest.Json;
import io.orion.rest.internal.PoolDtos.AllocationDto;
import io.orion.rest.internal.PoolDtos.AllocationRequest;
import io.orion.rest.internal.PoolDtos.GpuDto;
import io.orion.rest.internal.PoolDtos.NodeDto;
import io.orion.rest.internal.PoolDtos.ServerDto;
import io.orion.rest.internal.PoolDtos.VgpuDto;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsExtensionSelect;
import org.osgi.service.jaxrs.whiteboard.propertytypes.JaxrsResource;

/**
 * The pool over REST: nodes, GPUs, vGPUs, allocations (allocate, resize, release, renew) and
 * events. Only where the runtime holds the pool (controller, standalone). Every body is checked
 * before anything changes; a bad one gets 400 naming the field.
 */
@Component(service = PoolResource.class)
@JaxrsResource
@JaxrsExtensionSelect(Json.SELECT)
@Path(Json.API)
@Produces(MediaType.APPLICATION_JSON)
public final class PoolResource {

    private final PoolService pool;
    private final Platform platform;

    @Activate
    public PoolResource(@Reference PoolService pool, @Reference Platform platform) {
        this.pool = pool;
        this.platform = platform;
    }

    // ---- views --------------------------------------------------------------------------------

    @GET
    @Path("pool")
    public PoolDtos.PoolSummary summary() {
        PoolView v = pool.snapshot();
        List<GpuView> gpus = v.gpus().toList();
        List<Allocation> allocations = pool.allocations();
        return new PoolDtos.PoolSummary(v.nodes().size(), (int) v.nodes().stream().filter(NodeView::schedulable).count(),
                gpus.size(), gpus.stream().mapToLong(g -> g.spec().memoryMiB()).sum(),
                gpus.stream().mapToLong(GpuView::usedMemoryMiB).sum(),
                allocations.stream().mapToInt(a -> a.vgpus().size()).sum(), allocations.size(),
                platform.activePolicy().map(p -> p.name()).orElse(""));
    }

    @GET
    @Path("nodes")
    public List<NodeDto> nodes() {
        return pool.snapshot().nodes().stream().map(this::node).toList();
    }

    @GET
    @Path("nodes/{name}")
    public NodeDto node(@PathParam("name") String name) {
        return node(pool.snapshot().node(name).orElseThrow(() -> new NotFoundException("no node named '" + name + "'")));
    }

    private NodeDto node(NodeView n) {
        return new NodeDto(n.name(), n.address(), n.state().name().toLowerCase(), n.transports(),
                n.gpus().stream().map(GpuView::uuid).toList(),
                pool.nodeStatus(n.name()).map(NodeStatus::lastHeartbeat).orElse(null));
    }

    @GET
    @Path("gpus")
    public List<GpuDto> gpus() {
        return pool.snapshot().gpus().map(g -> {
            GpuUsage usage = pool.nodeStatus(g.node()).flatMap(s -> s.report().gpus().stream()
                    .filter(u -> u.gpuUuid().equals(g.uuid())).findFirst()).orElse(null);
            return new GpuDto(g.uuid(), g.node(), g.index(), g.spec().model(), g.spec().memoryMiB(), g.usedMemoryMiB(),
                    g.usedRatio(), g.vgpuCount(), g.spec().vgpuSlots(), g.spec().smCount(),
                    g.spec().ccMajor() + "." + g.spec().ccMinor(), usage);
        }).toList();
    }

    @GET
    @Path("vgpus")
    public List<VgpuDto> vgpus() {
        PoolView view = pool.snapshot();
        return pool.allocations().stream().flatMap(a -> a.vgpus().stream()).map(v -> vgpu(v, view)).toList();
    }

    private VgpuDto vgpu(Vgpu v, PoolView view) {
        Optional<NodeView> node = view.node(v.node());
        String model = node.flatMap(n -> n.gpus().stream().filter(g -> g.uuid().equals(v.gpuUuid())).findFirst())
                .map(g -> g.spec().model()).orElse("");
        ServerDto server = node.map(n -> new ServerDto(n.name(), n.address(), n.transports())).orElse(null);
        VgpuUsage usage = pool.nodeStatus(v.node()).flatMap(s -> s.report().vgpus().stream()
                .filter(u -> u.vgpuId().equals(v.id())).findFirst()).orElse(null);
        return new VgpuDto(v.id(), v.allocationId(), v.index(), v.node(), v.gpuUuid(), model, v.memoryMiB(), v.ratio(),
                v.groupId(), server, usage);
    }

    private AllocationDto allocation(Allocation a) {
        PoolView view = pool.snapshot();
        var r = a.request();
        return new AllocationDto(a.id(), a.owner(), a.created(), pool.leaseUntil(a.id()).orElse(null),
                new PoolDtos.RequestDto(r.count(), r.memoryMiB(), r.ratio(), r.groupId(), r.crossNode(), r.node()),
                a.vgpus().stream().map(v -> vgpu(v, view)).toList());
    }

    @GET
    @Path("allocations")
    public List<AllocationDto> allocations() {
        return pool.allocations().stream().map(this::allocation).toList();
    }

    @GET
    @Path("allocations/{id}")
    public AllocationDto allocation(@PathParam("id") String id) {
        return allocation(pool.allocation(id).orElseThrow(() -> new NotFoundException("no allocation '" + id + "'")));
    }

    @GET
    @Path("events")
    public List<PoolEvent> events(@QueryParam("max") @DefaultValue("100") int max) {
        if (max < 1 || max > 10_000) throw new IllegalArgumentException("query parameter 'max' must be 1..10000, was " + max);
        return pool.events(max);
    }

    // ---- allocation ---------------------------------------------------------------------------

    @POST
    @Path("allocations")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response allocate(AllocationRequest body) {
        if (body == null) throw new IllegalArgumentException("a JSON body is required: {count, memoryMiB, ratio, ...}");
        VgpuRequest request = Bodies.request(body);
        AllocationResult result = pool.allocate(request, body.owner() == null ? "" : body.owner());
        if (result instanceof AllocationResult.Refused refused) {
            var nf = refused.noFit();
            return Response.status(Response.Status.CONFLICT).entity(new PoolDtos.Refusal(409,
                    "Fail to get resource from controller: " + nf.message(), nf.reason().name(), nf.detail())).build();
        }
        Allocation a = ((AllocationResult.Granted) result).allocation();
        return Response.created(URI.create(Json.API + "/allocations/" + a.id())).entity(allocation(a)).build();
    }

    @DELETE
    @Path("allocations/{id}")
    public Response release(@PathParam("id") String id) {
        if (!pool.release(id, "released through the REST API")) throw new NotFoundException("no allocation '" + id + "'");
        return Response.noContent().build();
    }

    @PUT
    @Path("allocations/{id}/lease")
    public Response renew(@PathParam("id") String id) {
        if (!pool.renew(id)) throw new NotFoundException("no allocation '" + id + "'");
        return Response.noContent().build();
    }

    @PUT
    @Path("vgpus/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public VgpuDto resize(@PathParam("id") String id, PoolDtos.Resize body) {
        if (body == null || (body.memoryMiB() == null && body.ratio() == null))
            throw new IllegalArgumentException("give field 'memoryMiB', field 'ratio', or both");
        Vgpu current = pool.vgpus().stream().filter(v -> v.id().equals(id)).findFirst()
                .orElseThrow(() -> new NotFoundException("no vGPU '" + id + "'"));
        long memory = body.memoryMiB() == null ? current.memoryMiB() : body.memoryMiB();
        int ratio = body.ratio() == null ? current.ratio() : body.ratio();
        if (memory <= 0) throw new IllegalArgumentException("field 'memoryMiB' must be > 0, was " + memory);
        if (ratio < 1 || ratio > 100) throw new IllegalArgumentException("field 'ratio' must be 1..100, was " + ratio);
        return vgpu(pool.resize(id, memory, ratio), pool.snapshot());
    }

    // ---- servers ------------------------------------------------------------------------------

    @POST
    @Path("nodes")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(PoolDtos.NodeRegistration body) {
        Bodies.check(body);
        pool.registerNode(body.name(), body.address(), body.transports() == null ? Map.of() : body.transports(), body.gpus());
        return Response.created(URI.create(Json.API + "/nodes/" + body.name())).entity(node(body.name())).build();
    }

    @PUT
    @Path("nodes/{name}/heartbeat")
    @Consumes(MediaType.APPLICATION_JSON)
    public PoolDtos.HeartbeatAnswer heartbeat(@PathParam("name") String name, NodeReport report) {
        if (pool.snapshot().node(name).isEmpty())
            throw new NotFoundException("node '" + name + "' is not registered; POST it to /api/v1/nodes first");
        List<Vgpu> held = pool.heartbeat(name, report == null ? NodeReport.empty() : report);
        PoolView view = pool.snapshot();
        return new PoolDtos.HeartbeatAnswer(held.stream().map(v -> vgpu(v, view)).toList(),
                (int) pool.heartbeatInterval().toSeconds());
    }

    @PUT
    @Path("nodes/{name}/drain")
    @Consumes(MediaType.APPLICATION_JSON)
    public NodeDto drain(@PathParam("name") String name, PoolDtos.Drain body) {
        if (body == null || body.draining() == null) throw new IllegalArgumentException("field 'draining' (true or false) is required");
        if (pool.snapshot().node(name).isEmpty()) throw new NotFoundException("no node named '" + name + "'");
        pool.setDraining(name, body.draining());
        return node(name);
    }

    @DELETE
    @Path("nodes/{name}")
    public Response removeNode(@PathParam("name") String name) {
        if (pool.snapshot().node(name).isEmpty()) throw new NotFoundException("no node named '" + name + "'");
        pool.removeNode(name);
        return Response.noContent().build();
    }
}
