package io.orion.console.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.orion.api.platform.Platform;
import io.orion.api.platform.PluginInfo;
import io.orion.api.platform.PluginKind;
import io.orion.api.pool.Allocation;
import io.orion.api.pool.GpuView;
import io.orion.api.pool.NodeView;
import io.orion.api.pool.PoolService;
import io.orion.api.pool.PoolView;
import io.orion.api.pool.Vgpu;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * The {@code orion:} console commands. Each returns its text, which Gogo prints; a bad argument
 * gives a message naming it and the command's usage, never a stack trace.
 */
@Component(service = OrionCommands.class, immediate = true, property = {
    "osgi.command.scope=orion",
    "osgi.command.function=status", "osgi.command.function=policy", "osgi.command.function=backend",
    "osgi.command.function=transport", "osgi.command.function=pool", "osgi.command.function=config",
    "osgi.command.function=help"
})
public final class OrionCommands {

    static final String HELP = """
            Orion vGPU console commands (scope orion):
              orion:status                          role, plugins in use, pool summary, bundle states
              orion:policy [list]                   installed scheduling policies; * marks the one in use
              orion:policy use NAME                 place vGPUs with policy NAME from now on (persisted)
              orion:backend [list]                  installed GPU backends, their devices and status
              orion:transport [list]                installed transports and their endpoints
              orion:pool [nodes|gpus|vgpus]         the pool: nodes, GPUs with usage, vGPUs (default: all three)
              orion:config [list]                   configurations that can be set (PIDs)
              orion:config get PID [KEY]            a configuration's values (and defaults)
              orion:config set PID KEY VALUE        set a value (a list: V1,V2); checked against its description first
              orion:config check                    every configuration and deploy-folder file checked against its description
            """ + PoolCommands.HELP.indent(2) + """
              orion:help                            this text
            Each command also takes --help.
            """;

    private final BundleContext context;
    private final Platform platform;
    private final ConfigEditor config;
    private final ConfigAudit audit;
    private volatile PoolService pool;

    @Activate
    public OrionCommands(BundleContext context, @Reference Platform platform, @Reference ConfigurationAdmin configAdmin,
                         @Reference MetaTypeService metaType) {
        this.context = context;
        this.platform = platform;
        this.config = new ConfigEditor(context, configAdmin, metaType);
        this.audit = new ConfigAudit(context, configAdmin, metaType);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setPool(PoolService p) { pool = p; }

    void unsetPool(PoolService p) {
        if (pool == p) pool = null;
    }

    // ---- help -------------------------------------------------------------------------------

    @Descriptor("list the orion commands")
    public String help() { return HELP; }

    private static boolean wantsHelp(String arg) {
        return arg.equals("--help") || arg.equals("-h") || arg.equals("help");
    }

    private static String usage(String command) {
        return HELP.lines().filter(l -> l.trim().startsWith("orion:" + command + " ") || l.trim().equals("orion:" + command))
                .reduce("usage:", (a, b) -> a + "\n" + b) + "\n";
    }

    // ---- status -----------------------------------------------------------------------------

    @Descriptor("role, plugins in use, pool summary and bundle states")
    public String status() {
        StringBuilder b = new StringBuilder();
        b.append("role        ").append(platform.role()).append('\n');
        b.append("uptime      ").append(format(Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime()))).append('\n');
        b.append("policy      ").append(inUse(PluginKind.POLICY)).append('\n');
        b.append("backend     ").append(inUse(PluginKind.BACKEND)).append('\n');
        b.append("transports  ").append(inUse(PluginKind.TRANSPORT)).append('\n');
        PoolService p = pool;
        if (p != null) {
            PoolView v = p.snapshot();
            long gpus = v.gpus().count();
            b.append("pool        ").append(v.nodes().size()).append(" node(s), ").append(gpus).append(" GPU(s), ")
                    .append(p.vgpus().size()).append(" vGPU(s)\n");
        } else {
            b.append("pool        (no controller in this runtime)\n");
        }
        Map<String, Integer> states = new TreeMap<>();
        List<String> notActive = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            String s = state(bundle.getState());
            states.merge(s, 1, Integer::sum);
            boolean lazy = bundle.getState() == Bundle.STARTING && bundle.getHeaders().get("Bundle-ActivationPolicy") != null;
            if (bundle.getState() != Bundle.ACTIVE && !lazy && bundle.getHeaders().get("Fragment-Host") == null)
                notActive.add(bundle.getSymbolicName() + " (" + s + ")");
        }
        b.append("bundles     ").append(states.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList()).append('\n');
        if (!notActive.isEmpty()) b.append("not active  ").append(String.join(", ", notActive)).append('\n');
        return b.toString();
    }

    private String inUse(PluginKind kind) {
        List<String> used = platform.plugins(kind).stream().filter(PluginInfo::inUse)
                .map(i -> i.name() + (i.detail().isEmpty() || kind == PluginKind.POLICY ? "" : " (" + i.detail() + ")")).toList();
        return used.isEmpty() ? "none" : String.join(", ", used);
    }

    private static String state(int s) {
        return switch (s) {
            case Bundle.ACTIVE -> "active";
            case Bundle.RESOLVED -> "resolved";
            case Bundle.INSTALLED -> "installed";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            default -> "uninstalled";
        };
    }

    private static String format(Duration d) {
        return d.toHours() > 0 ? d.toHours() + "h " + d.toMinutesPart() + "m"
                : d.toMinutes() > 0 ? d.toMinutes() + "m " + d.toSecondsPart() + "s" : d.toSeconds() + "s";
    }

    // ---- plugins ----------------------------------------------------------------------------

    @Descriptor("list installed scheduling policies")
    public String policy() { return plugins(PluginKind.POLICY); }

    @Descriptor("list installed scheduling policies (list) or show help (--help)")
    public String policy(@Descriptor("list") String action) {
        if (action.equals("list")) return policy();
        if (wantsHelp(action)) return usage("policy");
        return "orion:policy: unknown action '" + action + "'\n" + usage("policy");
    }

    @Descriptor("use a scheduling policy: policy use NAME")
    public String policy(@Descriptor("use") String action, @Descriptor("policy name") String name) {
        if (!action.equals("use")) return "orion:policy: unknown action '" + action + "'\n" + usage("policy");
        try {
            platform.selectPolicy(name);
            return "scheduling policy is now '" + name + "'\n";
        } catch (IllegalArgumentException e) {
            return "orion:policy use: " + e.getMessage() + "\n";
        }
    }

    @Descriptor("list installed GPU backends")
    public String backend() { return plugins(PluginKind.BACKEND); }

    @Descriptor("list installed GPU backends (list) or show help (--help)")
    public String backend(String action) {
        if (action.equals("list")) return backend();
        if (wantsHelp(action)) return usage("backend");
        return "orion:backend: unknown action '" + action + "'\n" + usage("backend");
    }

    @Descriptor("list installed transports")
    public String transport() { return plugins(PluginKind.TRANSPORT); }

    @Descriptor("list installed transports (list) or show help (--help)")
    public String transport(String action) {
        if (action.equals("list")) return transport();
        if (wantsHelp(action)) return usage("transport");
        return "orion:transport: unknown action '" + action + "'\n" + usage("transport");
    }

    private String plugins(PluginKind kind) {
        List<PluginInfo> list = platform.plugins(kind);
        if (list.isEmpty()) return "no " + kind.label() + " installed\n";
        Table t = new Table("", "NAME", "BUNDLE", "VERSION", kind == PluginKind.POLICY ? "DESCRIPTION" : "STATE");
        for (PluginInfo i : list) t.row(i.inUse() ? "*" : "", i.name(), i.bundle(), i.version(), i.detail());
        return t.toString();
    }

    // ---- pool -------------------------------------------------------------------------------

    @Descriptor("show the pool: nodes, GPUs and vGPUs")
    public String pool() {
        return pool("all");
    }

    @Descriptor("show part of the pool: nodes, gpus or vgpus")
    public String pool(@Descriptor("nodes|gpus|vgpus") String what) {
        if (wantsHelp(what)) return usage("pool");
        PoolService p = pool;
        if (p == null) return "no pool in this runtime (role " + platform.role() + "): the controller holds it\n";
        PoolView v = p.snapshot();
        return switch (what) {
            case "nodes" -> nodes(v);
            case "gpus" -> gpus(v);
            case "vgpus" -> vgpus(p.allocations());
            case "all" -> "NODES\n" + nodes(v) + "\nGPUS\n" + gpus(v) + "\nVGPUS\n" + vgpus(p.allocations());
            default -> "orion:pool: unknown part '" + what + "'\n" + usage("pool");
        };
    }

    private static String nodes(PoolView v) {
        if (v.nodes().isEmpty()) return "no nodes\n";
        Table t = new Table("NODE", "STATE", "ADDRESS", "GPUS", "TRANSPORTS");
        for (NodeView n : v.nodes())
            t.row(n.name(), n.state().name().toLowerCase(), n.address(), n.gpus().size(), String.join(",", new TreeMap<>(n.transports()).keySet()));
        return t.toString();
    }

    private static String gpus(PoolView v) {
        Table t = new Table("NODE", "#", "UUID", "MODEL", "MEMORY USED/TOTAL MiB", "RATIO USED", "VGPUS");
        v.gpus().forEach((GpuView g) -> t.row(g.node(), g.index(), g.uuid(), g.spec().model(),
                g.usedMemoryMiB() + "/" + g.spec().memoryMiB(), g.usedRatio() + "%", g.vgpuCount() + "/" + g.spec().vgpuSlots()));
        return t.isEmpty() ? "no GPUs\n" : t.toString();
    }

    private static String vgpus(List<Allocation> allocations) {
        Table t = new Table("VGPU", "ALLOCATION", "OWNER", "GROUP", "NODE", "GPU", "MEMORY MiB", "RATIO");
        for (Allocation a : allocations)
            for (Vgpu g : a.vgpus())
                t.row(g.id(), a.id(), a.owner(), g.groupId(), g.node(), g.gpuUuid(), g.memoryMiB(), g.ratio() + "%");
        return t.isEmpty() ? "no vGPUs\n" : t.toString();
    }

    // ---- config -----------------------------------------------------------------------------

    @Descriptor("list the configurations that can be set")
    public String config() {
        Table t = new Table("PID", "NAME");
        for (String pid : config.describedPids()) t.row(pid, config.definition(pid).map(ObjectClassDefinition::getName).orElse(""));
        return t.toString();
    }

    @Descriptor("config list | config check | config --help")
    public String config(String action) {
        if (action.equals("list")) return config();
        if (action.equals("check")) return check();
        if (wantsHelp(action)) return usage("config");
        return "orion:config: '" + action + "' needs more arguments or is unknown\n" + usage("config");
    }

    @Descriptor("config get PID: show a configuration")
    public String config(@Descriptor("get") String action, @Descriptor("PID") String pid) {
        if (!action.equals("get")) return "orion:config: unknown action '" + action + "'\n" + usage("config");
        return get(pid, null);
    }

    @Descriptor("config get PID KEY: show one value")
    public String config(@Descriptor("get") String action, @Descriptor("PID") String pid, @Descriptor("KEY") String key) {
        if (action.equals("get")) return get(pid, key);
        if (action.equals("set")) return "orion:config set needs a VALUE for " + key + "\n" + usage("config");
        return "orion:config: unknown action '" + action + "'\n" + usage("config");
    }

    @Descriptor("config set PID KEY VALUE: set a value (several values: separate them with commas)")
    public String config(@Descriptor("set") String action, @Descriptor("PID") String pid, @Descriptor("KEY") String key,
                         @Descriptor("VALUE, or VALUE1,VALUE2 for a list") String value) {
        if (!action.equals("set")) return "orion:config: unknown action '" + action + "'\n" + usage("config");
        try {
            Object stored = config.set(pid, key, Arrays.stream(value.split(",")).map(String::trim).toList());
            return pid + " " + key + " = " + show(stored) + "\n";
        } catch (IllegalArgumentException | IOException e) {
            return "orion:config set: " + e.getMessage() + "\n";
        }
    }

    private String check() {
        try {
            ConfigAudit.Result r = audit.run();
            if (r.problems().isEmpty())
                return r.configurations() + " configuration(s) checked: each matches its description; no unread file in the deploy folder\n";
            StringBuilder b = new StringBuilder();
            for (ConfigProblem p : r.problems()) b.append(p).append('\n');
            return b.append(r.problems().size()).append(" problem(s) in ").append(r.configurations()).append(" configuration(s)\n").toString();
        } catch (IOException | RuntimeException e) {
            return "orion:config check: " + e.getMessage() + "\n";
        }
    }

    private String get(String pid, String key) {
        try {
            var ocd = config.definition(pid);
            Dictionary<String, Object> stored = config.stored(pid);
            if (ocd.isEmpty() && stored == null)
                return "orion:config get: no configuration '" + pid + "'; known: " + String.join(", ", config.describedPids()) + "\n";
            Table t = new Table("KEY", "VALUE", "SOURCE", "DESCRIPTION");
            List<String> shown = new ArrayList<>();
            if (ocd.isPresent()) {
                for (AttributeDefinition ad : ocd.get().getAttributeDefinitions(ObjectClassDefinition.ALL)) {
                    if (key != null && !key.equals(ad.getID())) continue;
                    Object value = stored == null ? null : stored.get(ad.getID());
                    t.row(ad.getID(), value != null ? show(value) : String.join(",", ad.getDefaultValue() == null ? new String[0] : ad.getDefaultValue()),
                            value != null ? "set" : "default", ad.getDescription());
                    shown.add(ad.getID());
                }
            }
            if (stored != null) {
                for (Enumeration<String> keys = stored.keys(); keys.hasMoreElements(); ) {
                    String k = keys.nextElement();
                    if (shown.contains(k) || k.startsWith("service.") || k.startsWith("felix.") || (key != null && !key.equals(k))) continue;
                    t.row(k, show(stored.get(k)), "set", "");
                }
            }
            if (t.isEmpty()) return "orion:config get: '" + pid + "' has no property '" + key + "'\n";
            return t.toString();
        } catch (IOException | IllegalArgumentException e) {
            return "orion:config get: " + e.getMessage() + "\n";
        }
    }

    private static String show(Object v) {
        if (v instanceof Object[] a) return String.join(",", Arrays.stream(a).map(String::valueOf).toList());
        if (v instanceof int[] a) return Arrays.toString(a);
        if (v instanceof long[] a) return Arrays.toString(a);
        if (v instanceof double[] a) return Arrays.toString(a);
        if (v instanceof boolean[] a) return Arrays.toString(a);
        return String.valueOf(v);
    }
}
