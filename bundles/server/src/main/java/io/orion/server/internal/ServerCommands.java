package io.orion.server.internal;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import io.orion.api.server.SessionInfo;
import io.orion.api.server.SessionVgpu;
import io.orion.api.server.VgpuGrant;
import io.orion.api.server.VgpuServer;
import io.orion.api.server.VgpuStatus;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Console commands on this server's sessions and granted vGPUs: what an operator asks a GPU node
 * ({@code orion:sessions}, {@code orion:grants}). The pool-wide view ({@code orion:vgpu}) is the
 * controller's.
 */
@Component(service = ServerCommands.class, immediate = true, property = {
    "osgi.command.scope=orion", "osgi.command.function=sessions", "osgi.command.function=grants"
})
public final class ServerCommands {
    static final String HELP = """
            orion:sessions [list]                 client sessions on this server: client, state, transport, usage per vGPU
            orion:sessions close ID               end a session now and free everything it holds
            orion:grants [list]                   vGPUs granted to this server: quota, ratio, compute mode, share consumed lately, time held back, group, memory in use
            orion:grants add ID GPU MEMORY_MIB RATIO [GROUP]   grant a vGPU (as the controller does)
            orion:grants resize ID MEMORY_MIB RATIO   change a vGPU's quota and share, live
            orion:grants revoke ID                withdraw a vGPU; its sessions are closed
            """;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final VgpuServer server;

    @Activate
    public ServerCommands(@Reference VgpuServer server) {
        this.server = server;
    }

    private static String usage(String command) {
        return HELP.lines().filter(l -> l.trim().startsWith("orion:" + command)).reduce("usage:", (a, b) -> a + "\n" + b) + "\n";
    }

    private static String mib(long bytes) {
        return String.format("%.1f", bytes / 1048576.0);
    }

    @Descriptor("list this server's client sessions")
    public String sessions() {
        TextTable t = new TextTable("SESSION", "CLIENT", "GROUP", "STATE", "TRANSPORT", "PEER", "SINCE", "VGPU", "USED MiB",
                "ALLOCS", "LAUNCHES", "H2D MiB", "D2H MiB", "CALLS");
        for (SessionInfo s : server.sessions()) {
            boolean first = true;
            for (SessionVgpu v : s.vgpus()) {
                t.row(first ? s.idHex() : "", first ? s.pid() + "@" + s.host() + " " + s.client() : "", first ? s.groupId() : "",
                        first ? s.state().name().toLowerCase() : "", first ? s.transport() : "", first ? s.peer() : "",
                        first ? TIME.format(s.started()) : "", v.device() + ":" + v.vgpuId(), mib(v.memoryUsedBytes()),
                        v.allocations(), v.launches(), mib(v.bytesToDevice()), mib(v.bytesFromDevice()), v.calls());
                first = false;
            }
        }
        return t.isEmpty() ? "no sessions\n" : t.toString();
    }

    @Descriptor("sessions list | sessions close ID")
    public String sessions(String action, String... args) {
        switch (action) {
            case "list":
                return sessions();
            case "close":
                if (args.length != 1) return usage("sessions");
                long id;
                try {
                    id = Long.parseUnsignedLong(args[0], 16);
                } catch (NumberFormatException e) {
                    return "orion:sessions: '" + args[0] + "' is not a session id (16 hex digits, as listed)\n";
                }
                return server.closeSession(id) ? "closed session " + args[0] + "\n" : "orion:sessions: no session " + args[0] + "\n";
            default:
                return (action.startsWith("-") ? "" : "orion:sessions: unknown action '" + action + "'\n") + usage("sessions");
        }
    }

    @Descriptor("list the vGPUs granted to this server")
    public String grants() {
        TextTable t = new TextTable("VGPU", "GPU", "MEMORY MiB", "RATIO", "MODE", "SHARE", "HELD s", "GROUP",
                "GROUP RATIO", "GROUP SHARE", "GROUP HELD s", "USED MiB", "SESSIONS", "ORIGIN");
        for (VgpuStatus v : server.vgpus()) {
            VgpuGrant g = v.grant();
            boolean grouped = !g.groupId().isEmpty();
            t.row(g.id(), g.gpuUuid(), g.memoryMiB(), g.ratio() + "%", v.computeMode(), percent(v.sharePercent()),
                    seconds(v.heldBackMillis()), g.groupId(),
                    grouped ? v.groupRatio() + "%" : "", grouped ? percent(v.groupSharePercent()) : "",
                    grouped ? seconds(v.groupHeldBackMillis()) : "", mib(v.memoryUsedBytes()), v.sessions(),
                    v.automatic() ? "automatic" : "granted");
        }
        return t.isEmpty() ? "no vGPUs granted\n" : t.toString();
    }

    @Descriptor("grants list | add ID GPU MEMORY_MIB RATIO [GROUP] | resize ID MEMORY_MIB RATIO | revoke ID")
    public String grants(String action, String... args) {
        try {
            return switch (action) {
                case "list" -> grants();
                case "add" -> {
                    if (args.length < 4 || args.length > 5) yield usage("grants");
                    VgpuStatus s = server.grant(new VgpuGrant(args[0], args[1], number(args[2], "MEMORY_MIB"),
                            (int) number(args[3], "RATIO"), args.length == 5 ? args[4] : ""));
                    yield "granted " + s.grant().id() + ": " + s.grant().memoryMiB() + " MiB, " + s.grant().ratio() + "%\n";
                }
                case "resize" -> {
                    if (args.length != 3) yield usage("grants");
                    VgpuStatus s = server.resize(args[0], number(args[1], "MEMORY_MIB"), (int) number(args[2], "RATIO"));
                    yield "resized " + args[0] + " to " + s.grant().memoryMiB() + " MiB, " + s.grant().ratio() + "% ("
                            + mib(s.memoryUsedBytes()) + " MiB in use)\n";
                }
                case "revoke" -> {
                    if (args.length != 1) yield usage("grants");
                    yield server.revoke(args[0]) ? "revoked " + args[0] + "\n" : "orion:grants: no vGPU " + args[0] + "\n";
                }
                default -> (action.startsWith("-") ? "" : "orion:grants: unknown action '" + action + "'\n") + usage("grants");
            };
        } catch (IllegalArgumentException e) {
            return "orion:grants: " + e.getMessage() + "\n";
        }
    }

    /** A share as the gate reports it; {@code -} while the gate is off. */
    private static String percent(double share) {
        return share < 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", share);
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f", millis / 1000.0);
    }

    private static long number(String s, String what) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a number, was '" + s + "'");
        }
    }
}
