package io.orion.console.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

import io.orion.api.pool.Allocation;
import io.orion.api.pool.AllocationResult;
import io.orion.api.pool.NodeView;
import io.orion.api.pool.PoolEvent;
import io.orion.api.pool.PoolService;
import io.orion.api.pool.Vgpu;
import io.orion.api.pool.VgpuRequest;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Console commands on the pool's vGPUs and nodes: {@code vgpu}, {@code node}, {@code events}.
 * Only where the runtime holds the pool (controller, standalone).
 */
@Component(service = PoolCommands.class, immediate = true, property = {
    "osgi.command.scope=orion",
    "osgi.command.function=vgpu", "osgi.command.function=node", "osgi.command.function=events"
})
public final class PoolCommands {

    static final String HELP = """
            orion:vgpu [list]                     every vGPU: size, where, owner, usage
            orion:vgpu allocate COUNT MEMORY_MIB RATIO [GROUP] [--cross-node]   place COUNT vGPUs with the active policy
            orion:vgpu renew ALLOCATION           renew an allocation's lease (nothing else renews one made here)
            orion:vgpu resize VGPU MEMORY_MIB RATIO   change a vGPU's memory quota and compute ratio, live
            orion:vgpu release ALLOCATION         release an allocation (all its vGPUs)
            orion:node [list]                     nodes, their state and last heartbeat
            orion:node drain NAME                 no new vGPUs on NAME; shows progress until its vGPUs are gone
            orion:node undrain NAME               NAME takes new vGPUs again
            orion:events [N]                      the last N pool events (default 20)
            """;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final PoolService pool;
    /** How often a drain looks again; tests shorten it. */
    private final Duration drainPoll;

    @Activate
    public PoolCommands(@Reference PoolService pool) {
        this(pool, Duration.ofSeconds(1));
    }

    PoolCommands(PoolService pool, Duration drainPoll) {
        this.pool = pool;
        this.drainPoll = drainPoll;
    }

    private static String usage(String command) {
        return HELP.lines().filter(l -> l.trim().startsWith("orion:" + command))
                .reduce("usage:", (a, b) -> a + "\n" + b) + "\n";
    }

    // ---- vgpu ---------------------------------------------------------------------------------

    @Descriptor("list every vGPU")
    public String vgpu() {
        Table t = new Table("VGPU", "ALLOCATION", "OWNER", "GROUP", "NODE", "GPU", "MEMORY MiB", "RATIO", "USED MiB", "LAUNCHES");
        for (Allocation a : pool.allocations()) {
            for (Vgpu v : a.vgpus()) {
                var usage = pool.nodeStatus(v.node()).flatMap(s -> s.report().vgpus().stream().filter(u -> u.vgpuId().equals(v.id())).findFirst());
                t.row(v.id(), a.id(), a.owner(), v.groupId(), v.node(), v.gpuUuid(), v.memoryMiB(), v.ratio() + "%",
                        usage.map(u -> String.valueOf(u.memoryUsedMiB())).orElse("-"),
                        usage.map(u -> String.valueOf(u.launches())).orElse("-"));
            }
        }
        return t.isEmpty() ? "no vGPUs\n" : t.toString();
    }

    @Descriptor("vgpu list | vgpu --help")
    public String vgpu(String action) {
        if (action.equals("list")) return vgpu();
        return (action.startsWith("-") ? "" : "orion:vgpu: '" + action + "' needs more arguments or is unknown\n") + usage("vgpu");
    }

    @Descriptor("vgpu release ALLOCATION | vgpu renew ALLOCATION")
    public String vgpu(@Descriptor("release|renew") String action, @Descriptor("allocation id") String id) {
        return switch (action) {
            case "release" -> pool.release(id, "released from the console") ? "released " + id + "\n"
                    : "orion:vgpu release: no allocation '" + id + "' (orion:vgpu lists them)\n";
            case "renew" -> pool.renew(id) ? id + ": lease renewed until " + pool.leaseUntil(id).map(TIME::format).orElse("-") + "\n"
                    : "orion:vgpu renew: no allocation '" + id + "' (orion:vgpu lists them)\n";
            default -> "orion:vgpu: unknown action '" + action + "'\n" + usage("vgpu");
        };
    }

    @Descriptor("vgpu resize VGPU MEMORY_MIB RATIO | vgpu allocate COUNT MEMORY_MIB RATIO")
    public String vgpu(@Descriptor("resize|allocate") String action, @Descriptor("vGPU id, or COUNT for allocate") String id,
                       @Descriptor("memory quota in MiB") String memory, @Descriptor("compute ratio 1-100") String ratio) {
        if (action.equals("allocate")) return allocate(List.of(id, memory, ratio));
        if (!action.equals("resize")) return "orion:vgpu: unknown action '" + action + "'\n" + usage("vgpu");
        try {
            long m = parse(memory, "MEMORY_MIB");
            int r = (int) parse(ratio, "RATIO");
            Vgpu v = pool.resize(id, m, r);
            return v.id() + " is now " + v.memoryMiB() + " MiB / " + v.ratio() + "%\n";
        } catch (IllegalArgumentException e) {
            return "orion:vgpu resize: " + e.getMessage() + "\n";
        }
    }

    @Descriptor("vgpu allocate COUNT MEMORY_MIB RATIO GROUP | vgpu allocate COUNT MEMORY_MIB RATIO --cross-node")
    public String vgpu(@Descriptor("allocate") String action, @Descriptor("how many vGPUs") String count,
                       @Descriptor("memory per vGPU in MiB") String memory, @Descriptor("compute ratio 1-100") String ratio,
                       @Descriptor("group id, or --cross-node") String groupOrFlag) {
        if (!action.equals("allocate")) return "orion:vgpu: too many arguments for '" + action + "'\n" + usage("vgpu");
        return allocate(List.of(count, memory, ratio, groupOrFlag));
    }

    @Descriptor("vgpu allocate COUNT MEMORY_MIB RATIO GROUP --cross-node")
    public String vgpu(@Descriptor("allocate") String action, @Descriptor("how many vGPUs") String count,
                       @Descriptor("memory per vGPU in MiB") String memory, @Descriptor("compute ratio 1-100") String ratio,
                       @Descriptor("group id") String group, @Descriptor("--cross-node") String flag) {
        if (!action.equals("allocate")) return "orion:vgpu: too many arguments for '" + action + "'\n" + usage("vgpu");
        return allocate(List.of(count, memory, ratio, group, flag));
    }

    /**
     * COUNT MEMORY_MIB RATIO, then an optional group and an optional {@code --cross-node} in
     * either order. The allocation is the console's: no client process renews its lease, so it
     * lapses after the controller's lease time unless released or renewed first.
     */
    String allocate(List<String> args) {
        String group = "";
        boolean crossNode = false;
        for (String extra : args.subList(3, args.size())) {
            if (extra.equals("--cross-node")) crossNode = true;
            else if (extra.startsWith("-")) return "orion:vgpu allocate: unknown option '" + extra + "' (only --cross-node)\n" + usage("vgpu");
            else if (group.isEmpty()) group = extra;
            else return "orion:vgpu allocate: one GROUP only, got '" + group + "' and '" + extra + "'\n" + usage("vgpu");
        }
        VgpuRequest request;
        try {
            long count = parse(args.get(0), "COUNT");
            long memory = parse(args.get(1), "MEMORY_MIB");
            long ratio = parse(args.get(2), "RATIO");
            if (count < 1 || count > VgpuRequest.MAX_COUNT)
                throw new IllegalArgumentException("COUNT '" + args.get(0) + "' must be 1.." + VgpuRequest.MAX_COUNT);
            if (memory < 1) throw new IllegalArgumentException("MEMORY_MIB '" + args.get(1) + "' must be at least 1");
            if (ratio < 1 || ratio > 100) throw new IllegalArgumentException("RATIO '" + args.get(2) + "' must be 1..100");
            request = new VgpuRequest((int) count, memory, (int) ratio, group, crossNode, "");
        } catch (IllegalArgumentException e) {
            return "orion:vgpu allocate: " + e.getMessage() + "\n";
        }
        AllocationResult result = pool.allocate(request, "console");
        if (result instanceof AllocationResult.Refused refused)
            return "orion:vgpu allocate: Fail to get resource from controller: " + refused.noFit().message() + "\n";
        Allocation a = ((AllocationResult.Granted) result).allocation();
        StringBuilder out = new StringBuilder("allocated " + a.id() + " (lease until "
                + pool.leaseUntil(a.id()).map(TIME::format).orElse("-") + "; orion:vgpu renew " + a.id() + " keeps it)\n");
        Table t = new Table("VGPU", "NODE", "GPU", "MEMORY MiB", "RATIO", "GROUP");
        for (Vgpu v : a.vgpus()) t.row(v.id(), v.node(), v.gpuUuid(), v.memoryMiB(), v.ratio() + "%", v.groupId().isEmpty() ? "-" : v.groupId());
        return out.append(t).toString();
    }

    private static long parse(String value, String name) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " '" + value + "' is not a whole number");
        }
    }

    // ---- node ---------------------------------------------------------------------------------

    @Descriptor("list nodes")
    public String node() {
        List<NodeView> nodes = pool.snapshot().nodes();
        if (nodes.isEmpty()) return "no nodes\n";
        Table t = new Table("NODE", "STATE", "ADDRESS", "GPUS", "VGPUS", "LAST HEARTBEAT");
        for (NodeView n : nodes)
            t.row(n.name(), n.state().name().toLowerCase(), n.address(), n.gpus().size(), vgpusOn(n.name()),
                    pool.nodeStatus(n.name()).map(s -> TIME.format(s.lastHeartbeat())).orElse("-"));
        return t.toString();
    }

    @Descriptor("node list | node --help")
    public String node(String action) {
        if (action.equals("list")) return node();
        return (action.startsWith("-") ? "" : "orion:node: '" + action + "' needs more arguments or is unknown\n") + usage("node");
    }

    @Descriptor("node drain NAME | node undrain NAME")
    public String node(@Descriptor("drain|undrain") String action, @Descriptor("node name") String name) throws InterruptedException {
        if (pool.snapshot().node(name).isEmpty()) return "orion:node: no node named '" + name + "' (orion:node lists them)\n";
        return switch (action) {
            case "undrain" -> {
                pool.setDraining(name, false);
                yield name + " takes new vGPUs again\n";
            }
            case "drain" -> drain(name, System.out);
            default -> "orion:node: unknown action '" + action + "'\n" + usage("node");
        };
    }

    /** Drains, printing each change in the count of vGPUs left, until none is left (or interrupted). */
    String drain(String name, PrintStream progress) throws InterruptedException {
        pool.setDraining(name, true);
        int last = -1;
        while (true) {
            int left = vgpusOn(name);
            if (left != last) {
                progress.println(name + ": draining, " + left + " vGPU(s) left");
                progress.flush();
                last = left;
            }
            if (left == 0) return name + " is drained: no vGPUs, takes no new ones (orion:node undrain " + name + " to undo)\n";
            Thread.sleep(drainPoll.toMillis());
        }
    }

    private int vgpusOn(String node) {
        return (int) pool.vgpus().stream().filter(v -> v.node().equals(node)).count();
    }

    // ---- events -------------------------------------------------------------------------------

    @Descriptor("the last 20 pool events")
    public String events() {
        return events("20");
    }

    @Descriptor("the last N pool events")
    public String events(@Descriptor("how many") String n) {
        if (n.startsWith("-")) return usage("events");
        int max;
        try {
            max = Integer.parseInt(n);
        } catch (NumberFormatException e) {
            return "orion:events: N '" + n + "' is not a whole number\n";
        }
        List<PoolEvent> list = pool.events(max);
        if (list.isEmpty()) return "no events\n";
        Table t = new Table("TIME", "EVENT", "SUBJECT", "WHAT");
        for (PoolEvent e : list) t.row(TIME.format(e.time()), e.kind().name().toLowerCase(), e.subject(), e.message());
        return t.toString();
    }
}
