package io.orion.console.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.orion.api.platform.Platform;
import io.orion.api.policy.SchedulingPolicy;
import io.orion.api.pool.GpuSpec;
import io.orion.api.pool.PoolService;
import io.orion.api.pool.VgpuRequest;
import io.orion.logging.LogHistory;
import io.orion.testing.Await;
import io.orion.testing.Configs;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/** The orion console commands give their documented output, in a real framework with Gogo. */
@ExtendWith(ServiceExtension.class)
class ConsoleCommandsIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @InjectService CommandProcessor processor;
    @InjectService Platform platform;
    private PoolService pool;
    @InjectService ConfigurationAdmin cm;
    @InjectService LogHistory log;

    private CommandSession session;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @BeforeEach
    void open() throws Exception {
        pool = io.orion.testing.Controller.inMemory(io.orion.testing.Bundles.framework(getClass()), cm);
        session = processor.createSession(InputStream.nullInputStream(), new PrintStream(printed, true, StandardCharsets.UTF_8), System.err);
        session.put("SCOPE", "orion:gogo:*");
        Await.until("both policies", WAIT, () -> platform.plugins(io.orion.api.platform.PluginKind.POLICY).size() == 2);
    }

    @AfterEach
    void close() throws Exception {
        session.close();
        Configs.reset(cm, "io.orion.core");
        Configs.reset(cm, "io.orion.policy.binpack");
        pool.allocations().forEach(a -> pool.release(a.id()));
        pool.removeNode("node-1");
    }

    private String run(String command) throws Exception {
        Object result = session.execute(command);
        return result == null ? "" : result.toString();
    }

    @Test
    void helpNamesEveryCommand() throws Exception {
        String help = run("orion:help");
        for (String c : List.of("status", "policy", "backend", "transport", "pool", "config"))
            assertTrue(help.contains("orion:" + c), c + " missing from help:\n" + help);
        assertTrue(run("orion:pool --help").startsWith("usage:"));
        assertTrue(run("orion:policy --help").contains("orion:policy use NAME"));
    }

    @Test
    void policyListAndUse() throws Exception {
        String list = run("orion:policy");
        assertTrue(list.lines().anyMatch(l -> l.startsWith("*") && l.contains("binpack")), list);
        assertTrue(list.lines().anyMatch(l -> !l.startsWith("*") && l.contains("spread") && l.contains("io.orion.policy.spread")), list);
        assertEquals("scheduling policy is now 'spread'\n", run("orion:policy use spread"));
        assertEquals("spread", platform.activePolicy().map(SchedulingPolicy::name).orElse(""));
        assertTrue(run("orion:policy list").lines().anyMatch(l -> l.startsWith("*") && l.contains("spread")));
        String refused = run("orion:policy use nope");
        assertTrue(refused.contains("'nope'") && refused.contains("binpack, spread"), refused);
        assertTrue(run("orion:policy frobnicate").contains("unknown action 'frobnicate'"));
    }

    @Test
    void poolShowsNodesGpusAndVgpus() throws Exception {
        assertTrue(run("orion:pool nodes").contains("no nodes"));
        pool.registerNode("node-1", "10.1.2.3", Map.of("tcp", "tcp://10.1.2.3:9960"),
                List.of(new GpuSpec("GPU-aaaa", "NVIDIA H200", 143771, 132, 9, 0, 16)));
        pool.allocate(VgpuRequest.of(1, 8192, 25).withGroup("pod-7"), "pid 99");
        String all = run("orion:pool");
        assertTrue(all.contains("node-1") && all.contains("10.1.2.3") && all.contains("tcp"), all);
        assertTrue(all.contains("GPU-aaaa") && all.contains("8192/143771") && all.contains("25%") && all.contains("1/16"), all);
        assertTrue(all.contains("pid 99") && all.contains("pod-7"), all);
        assertTrue(run("orion:pool bogus").contains("unknown part 'bogus'"));
        String status = run("orion:status");
        assertTrue(status.contains("role") && status.contains("1 node(s), 1 GPU(s), 1 vGPU(s)"), status);
        assertTrue(status.contains("policy      binpack"), status);
    }

    @Test
    void configIsTypedAndChecked() throws Exception {
        assertTrue(run("orion:config").contains("io.orion.core"));
        String get = run("orion:config get io.orion.core policy");
        assertTrue(get.contains("policy") && get.contains("binpack") && get.contains("default"), get);
        String tooBig = run("orion:config set io.orion.policy.binpack memoryWeight 2");
        assertTrue(tooBig.contains("'2'") && tooBig.contains("maximum"), tooBig);
        String notNumber = run("orion:config set io.orion.policy.binpack memoryWeight heavy");
        assertTrue(notNumber.contains("'heavy' is not a number"), notNumber);
        String noKey = run("orion:config set io.orion.policy.binpack weight 1");
        assertTrue(noKey.contains("no property 'weight'") && noKey.contains("memoryWeight"), noKey);
        assertEquals("io.orion.policy.binpack memoryWeight = 0.75\n", run("orion:config set io.orion.policy.binpack memoryWeight 0.75"));
        assertTrue(run("orion:config get io.orion.policy.binpack memoryWeight").contains("0.75"));
        assertEquals("io.orion.core transports = tcp,shm\n", run("orion:config set io.orion.core transports tcp,shm"));
    }

    @Test
    void wrongConfigurationsAreNamedInTheLogAndByConfigCheck() throws Exception {
        // Set the way a .cfg file sets them: plain strings, nothing checked on the way in.
        Dictionary<String, Object> bad = new Hashtable<>();
        bad.put("memoryWieght", "0.5");
        bad.put("memoryWeight", "heavy");
        cm.getConfiguration("io.orion.policy.binpack", "?").update(bad);
        Dictionary<String, Object> stray = new Hashtable<>();
        stray.put("memoryWeight", "0.5");
        cm.getConfiguration("io.orion.polcy.binpack", "?").update(stray);
        try {
            String check = run("orion:config check");
            assertTrue(check.contains("io.orion.policy.binpack memoryWieght=0.5: unknown key, ignored; did you mean memoryWeight?"), check);
            assertTrue(check.contains("io.orion.policy.binpack memoryWeight=heavy: 'heavy' is not a number"), check);
            assertTrue(check.contains("io.orion.polcy.binpack: no bundle in this runtime reads this configuration; did you mean io.orion.policy.binpack"), check);
            assertTrue(check.contains("3 problem(s)"), check);
            for (String expected : List.of("memoryWieght=0.5", "memoryWeight=heavy", "io.orion.polcy.binpack"))
                Await.until("a WARN naming " + expected, WAIT, () -> log.recent(1000).stream().anyMatch(
                        r -> r.level().equals("WARN") && r.message().startsWith("configuration: ") && r.message().contains(expected)));
        } finally {
            Configs.reset(cm, "io.orion.polcy.binpack");
        }
        Configs.reset(cm, "io.orion.policy.binpack");
        String clean = run("orion:config check");
        assertTrue(clean.contains("each matches its description"), clean);
    }

    @Test
    void pluginListsSayWhenNothingIsInstalled() throws Exception {
        assertEquals("no backend installed\n", run("orion:backend"));
        assertEquals("no transport installed\n", run("orion:transport list"));
    }

    @Test
    void drainShowsProgressUntilTheNodeIsEmpty() throws Exception {
        pool.registerNode("node-1", "10.1.2.3", Map.of(), List.of(new GpuSpec("GPU-aaaa", "NVIDIA H200", 143771, 132, 9, 0, 16),
                new GpuSpec("GPU-bbbb", "NVIDIA H200", 143771, 132, 9, 0, 16)));
        var a = ((io.orion.api.pool.AllocationResult.Granted) pool.allocate(VgpuRequest.of(2, 1000, 10), "x")).allocation();
        var b = ((io.orion.api.pool.AllocationResult.Granted) pool.allocate(VgpuRequest.of(1, 1000, 10), "y")).allocation();
        var drain = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return run("orion:node drain node-1");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Await.until("the drain to start", WAIT, () -> printed.toString(StandardCharsets.UTF_8).contains("3 vGPU(s) left"));
        CommandSession other = processor.createSession(InputStream.nullInputStream(), new PrintStream(new ByteArrayOutputStream()), System.err);
        other.put("SCOPE", "orion:gogo:*");
        assertTrue(String.valueOf(other.execute("orion:node")).contains("draining"), "a second console sees the drain");
        other.close();
        pool.release(a.id());
        Await.until("progress after a release", WAIT, () -> printed.toString(StandardCharsets.UTF_8).contains("1 vGPU(s) left"));
        pool.release(b.id());
        String result = drain.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(result.contains("node-1 is drained"), result);
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("node-1: draining, 0 vGPU(s) left"));
        assertEquals("node-1 takes new vGPUs again\n", run("orion:node undrain node-1"));
    }

    @Test
    void vgpuResizeReleaseAndEvents() throws Exception {
        pool.registerNode("node-1", "10.1.2.3", Map.of(), List.of(new GpuSpec("GPU-aaaa", "Tesla T4", 15360, 40, 7, 5, 8)));
        var a = ((io.orion.api.pool.AllocationResult.Granted) pool.allocate(VgpuRequest.of(1, 1000, 10), "pid 5")).allocation();
        String vgpu = a.vgpus().get(0).id();
        assertTrue(run("orion:vgpu").contains(vgpu));
        assertEquals(vgpu + " is now 2000 MiB / 20%\n", run("orion:vgpu resize " + vgpu + " 2000 20"));
        assertTrue(run("orion:vgpu resize " + vgpu + " lots 20").contains("MEMORY_MIB 'lots' is not a whole number"));
        assertTrue(run("orion:vgpu resize " + vgpu + " 99999 20").contains("does not fit"));
        assertEquals("released " + a.id() + "\n", run("orion:vgpu release " + a.id()));
        assertTrue(run("orion:vgpu release " + a.id()).contains("no allocation"));
        String events = run("orion:events 10");
        assertTrue(events.contains("resized") && events.contains("released"), events);
        assertTrue(run("orion:events many").contains("not a whole number"));
    }

    @Test
    void allocateResizeReleaseFromTheConsole() throws Exception {
        pool.registerNode("node-1", "10.1.2.3", Map.of(), List.of(new GpuSpec("GPU-aaaa", "Tesla T4", 15360, 40, 7, 5, 8),
                new GpuSpec("GPU-bbbb", "Tesla T4", 15360, 40, 7, 5, 8)));
        String granted = run("orion:vgpu allocate 2 1000 10 pod-7");
        Matcher m = Pattern.compile("allocated (\\S+) \\(lease until").matcher(granted);
        assertTrue(m.find(), granted);
        String id = m.group(1);
        var a = pool.allocation(id).orElseThrow();
        assertEquals(2, a.vgpus().size());
        assertEquals("console", a.owner());
        for (var v : a.vgpus()) {
            assertEquals("pod-7", v.groupId());
            assertTrue(granted.contains(v.id()) && granted.contains(v.gpuUuid()), granted);
        }
        String vgpu = a.vgpus().get(0).id();
        assertEquals(vgpu + " is now 3000 MiB / 30%\n", run("orion:vgpu resize " + vgpu + " 3000 30"));
        assertEquals(3000, pool.allocation(id).orElseThrow().vgpus().get(0).memoryMiB());
        assertTrue(run("orion:vgpu renew " + id).startsWith(id + ": lease renewed until "));
        assertEquals("released " + id + "\n", run("orion:vgpu release " + id));
        assertTrue(pool.allocation(id).isEmpty());

        String cross = run("orion:vgpu allocate 1 500 5 --cross-node");
        assertTrue(cross.startsWith("allocated "), cross);
        assertTrue(pool.allocations().get(0).request().crossNode());
        assertTrue(pool.allocations().get(0).vgpus().get(0).groupId().isEmpty());
        String both = run("orion:vgpu allocate 1 500 5 --cross-node pod-8");
        assertTrue(both.contains("pod-8"), both);
    }

    @Test
    void allocateNamesTheBadValueOrWhyNothingFits() throws Exception {
        pool.registerNode("node-1", "10.1.2.3", Map.of(), List.of(new GpuSpec("GPU-aaaa", "Tesla T4", 15360, 40, 7, 5, 8)));
        assertEquals("orion:vgpu allocate: COUNT 'two' is not a whole number\n", run("orion:vgpu allocate two 1000 10"));
        assertEquals("orion:vgpu allocate: COUNT '65' must be 1..64\n", run("orion:vgpu allocate 65 1000 10"));
        assertEquals("orion:vgpu allocate: MEMORY_MIB '0' must be at least 1\n", run("orion:vgpu allocate 1 0 10"));
        assertEquals("orion:vgpu allocate: RATIO '101' must be 1..100\n", run("orion:vgpu allocate 1 1000 101"));
        assertTrue(run("orion:vgpu allocate 1 1000 10 --everywhere").startsWith("orion:vgpu allocate: unknown option '--everywhere'"));
        assertTrue(run("orion:vgpu allocate 1 1000 10 a b").startsWith("orion:vgpu allocate: one GROUP only, got 'a' and 'b'"));
        String tooBig = run("orion:vgpu allocate 1 99999 10");
        assertTrue(tooBig.startsWith("orion:vgpu allocate: Fail to get resource from controller: the memory asked per vGPU is larger than any GPU"), tooBig);
        String twoGpus = run("orion:vgpu allocate 2 1000 10");
        assertTrue(twoGpus.contains("more vGPUs asked than GPUs available"), twoGpus);
        assertTrue(pool.allocations().isEmpty(), "a refused or malformed allocate takes nothing");
        assertTrue(run("orion:vgpu --help").contains("orion:vgpu allocate COUNT MEMORY_MIB RATIO [GROUP] [--cross-node]"));
        assertTrue(run("orion:vgpu renew alloc-nope").contains("no allocation 'alloc-nope'"));
    }

    @Test
    void remoteConsoleAnswersOverTcp() throws Exception {
        Pattern p = Pattern.compile("remote console on 127\\.0\\.0\\.1:(\\d+)");
        int port = Await.value("the remote console's port in the log", WAIT, () -> log.recent(1000).stream()
                .map(r -> p.matcher(r.message())).filter(Matcher::find).map(m -> Integer.valueOf(m.group(1))).findFirst().orElse(null));
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write("orion:policy\npolicy\nexit\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("Orion vGPU console."), answer);
            assertEquals(2, answer.split("io.orion.policy.binpack", -1).length - 1, "both commands answered:\n" + answer);
        }
    }
}
