package io.orion.nativeclient.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two vGPUs of one program on two servers: the standalone platform's and a second server process
 * that joined the same controller ({@link SecondServer}). peer_copy, unmodified, copies between
 * them with cudaMemcpyPeer, cudaMemcpyPeerAsync and cudaMemcpy of two device pointers; the client
 * stages every such copy through itself (the servers never talk to each other).
 */
class CrossServerTest {
    private static Standalone platform;
    private static SecondServer second;
    private static String standaloneNode;

    @BeforeAll
    static void twoServers() throws Exception {
        platform = Standalone.shared();
        standaloneNode = nodeServing(platform.get("api/v1/nodes").body(), platform.tcpEndpoint());
        second = new SecondServer(platform);
    }

    @AfterAll
    static void stopTheSecond() throws Exception {
        if (second != null) second.close();
    }

    /** The name of the node whose transports include endpoint, in GET /api/v1/nodes's answer. */
    private static String nodeServing(String nodes, String endpoint) {
        Matcher m = Pattern.compile("\"name\" : \"([^\"]+)\"").matcher(nodes);
        String found = null;
        int from = -1;
        while (true) {
            boolean more = m.find();
            int to = more ? m.start() : nodes.length();
            if (found != null && nodes.substring(from, to).contains(endpoint)) return found;
            if (!more) throw new AssertionError("no node offers " + endpoint + ": " + nodes);
            found = m.group(1);
            from = m.start();
        }
    }

    /**
     * Holds one of the standalone node's two GPUs whole (all of its compute ratio) for the length of
     * a run, so that a program asking for two vGPUs across nodes gets the other one and the second
     * server's. Answers the allocation's id.
     */
    private static String holdOneStandaloneGpu() throws Exception {
        HttpResponse<String> r = platform.send("POST", "api/v1/allocations",
                "{\"count\":1,\"memoryMiB\":64,\"ratio\":100,\"node\":\"" + standaloneNode + "\",\"owner\":\"CrossServerTest\"}");
        assertEquals(201, r.statusCode(), r.body());
        Matcher id = Pattern.compile("\"id\" : \"(alloc-[^\"]+)\"").matcher(r.body());
        assertTrue(id.find(), r.body());
        // The host backend's devices of one index use the same device addresses on every server,
        // and a plain cudaMemcpy of two device pointers can tell vGPUs apart only by address
        // (docs/client.md, "Several vGPUs"): the held GPU must be the standalone's first, so that
        // the program's two vGPUs are its second and the second server's first.
        Matcher gpu = Pattern.compile("\"gpu\" : \"(GPU-[^\"]+)\"").matcher(r.body());
        assertTrue(gpu.find(), r.body());
        String gpus = platform.get("api/v1/gpus").body();
        int at = gpus.indexOf("\"uuid\" : \"" + gpu.group(1) + "\"");
        assertTrue(at >= 0 && gpus.indexOf("\"index\" : 0", at) == gpus.indexOf("\"index\"", at),
                "the placement policy put the held vGPU on another GPU than the first: " + r.body() + "\n" + gpus);
        return id.group(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"shm", "tcp"})
    void peerCopiesBetweenVgpusOnTwoServersAreStagedThroughTheClient(String transport) throws Exception {
        String held = holdOneStandaloneGpu();
        Program.Result r;
        try {
            r = Program.sample("peer_copy").orion(platform).env("ORION_VGPU", "2").env("ORION_CROSS_NODE", "1")
                    .env("ORION_TRANSPORT", transport).run();
        } finally {
            assertEquals(204, platform.send("DELETE", "api/v1/allocations/" + held, null).statusCode(), "releasing " + held);
        }
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().startsWith("peer_copy: 2 devices") && r.stdout().endsWith("peer_copy: ok\n"), r.toString());
        if (transport.equals("shm")) {
            assertTrue(r.stderr().contains("on server orion-server: using SHM") && r.stderr().contains("on server "
                    + SecondServer.SERVER_NAME + ": using SHM"), "one vGPU on each server, each over its own shm:\n" + r.stderr());
        } else {
            assertTrue(r.stderr().contains("using TCP " + platform.tcpEndpoint()) && r.stderr().contains("using TCP tcp://127.0.0.1:"
                    + second.tcpPort), "one vGPU on each server, each over its own TCP:\n" + r.stderr());
        }
        SamplesTest.assertNoAllocation("peer_copy across two servers");
    }
}
