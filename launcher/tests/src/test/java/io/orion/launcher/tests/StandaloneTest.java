package io.orion.launcher.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, as a process: the standalone role comes up healthy on the host
 * backend (no GPU here), its node joins its own pool with the backend's device, an allocation is
 * granted to its server, and its console answers. Nothing in its log is a warning.
 */
class StandaloneTest {

    @Test
    void standaloneServesThePoolAndTheConsole(@TempDir Path home) throws Exception {
        try (RoleProcess standalone = new RoleProcess("standalone", home)) {
            standalone.start(Duration.ofSeconds(60));
            String health = standalone.get("health").body();
            assertTrue(health.contains("\"status\" : \"UP\"") && health.contains("\"backend\" : \"host\""), health);

            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            String gpus = "";
            while (System.nanoTime() < end && !(gpus = standalone.get("api/v1/gpus").body()).contains("Orion Host Device")) Thread.sleep(100);
            assertTrue(gpus.contains("Orion Host Device"), "the node's host device in the pool: " + gpus + "\n" + standalone.log());

            var granted = standalone.send("POST", "api/v1/allocations", "{\"count\":1,\"memoryMiB\":512,\"ratio\":25,\"owner\":\"smoke\"}");
            assertEquals(201, granted.statusCode(), granted.body());
            String onServer = standalone.get("api/v1/server/vgpus").body();
            assertTrue(onServer.contains("\"memoryMiB\" : 512"), "granted to the server at once: " + onServer);

            try (Socket console = new Socket("127.0.0.1", standalone.consolePort)) {
                OutputStream out = console.getOutputStream();
                out.write("orion:status\nexit\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                String answer = new String(console.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(answer.contains("role        standalone") && answer.contains("1 vGPU(s)"), answer);
            }
            assertTrue(standalone.get("metrics").body().contains("orion_gpu_vgpus{"), "metrics served");

            // A first start on a machine without a GPU, RDMA or UCX is nothing to warn about: the
            // log says once what the platform settled on, and why the GPU backend was passed over.
            String log = standalone.log();
            assertEquals(List.of(), log.lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList(), log);
            assertTrue(log.lines().anyMatch(l -> l.contains("PlatformCore - started: policy ") && l.contains("GPU backend host from")),
                    "one line with the settled selection: " + log);
        }
    }
}
