package io.orion.client.e2e;

import java.time.Duration;

import io.orion.client.ClientOptions;
import io.orion.client.OrionClient;
import io.orion.client.VgpuSession;

/**
 * A client process that opens a session, allocates, says READY and waits to be killed: the test
 * kills it with SIGKILL, as a crashing program dies, and watches the server free its memory.
 */
public final class DyingClient {
    private DyingClient() {}

    public static void main(String[] args) throws InterruptedException {
        VgpuSession s = OrionClient.open(ClientOptions.of(args[0], 64).withResumeWindow(Duration.ZERO).withClientName("dying"));
        long p = s.device(0).malloc(8 << 20);
        s.device(0).memset(p, 1, 8 << 20);
        System.out.println("READY " + Long.toHexString(s.id()));
        System.out.flush();
        Thread.sleep(60_000);
    }
}
