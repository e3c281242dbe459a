package io.orion.ucx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.openucx.jucx.ucp.UcpContext;
import org.openucx.jucx.ucp.UcpWorker;
import org.openucx.jucx.ucp.UcpWorkerParams;

/**
 * Loads the UCX that bin/ensure-ucx unpacked (or the system's) and makes a context and a worker
 * with it; and, in a child JVM that can find no UCX, that loading says why instead of throwing.
 */
class UcxLoadTest {

    /** UCX must be there in CI: a missing UCX fails here, with the way to set it up. */
    static void requireUcx() {
        Optional<String> why = Ucx.load(System.getProperty(Ucx.LIBRARY_PATH_PROPERTY));
        if (why.isPresent()) fail("UCX is needed by these tests and could not be loaded. Run bin/ensure-ucx once "
                + "(it unpacks Debian's UCX packages into .tools/ucx), or install UCX and pass -D" + Ucx.LIBRARY_PATH_PROPERTY
                + "=DIR. The reason: " + why.get());
    }

    @Test
    void ucxLoadsAndAContextWorks() {
        requireUcx();
        try (UcpContext ctx = new UcpContext(UcxConfig.parse("TLS=shm,self").contextParams());
             UcpWorker w = ctx.newWorker(new UcpWorkerParams().requestThreadSafety())) {
            assertTrue(w.getAddress().remaining() > 0, "a worker has an address");
        }
        assertEquals(Optional.empty(), Ucx.load(System.getProperty(Ucx.LIBRARY_PATH_PROPERTY)), "loading twice is fine");
    }

    @Test
    void withoutUcxLoadingSaysWhyAndWhatToDo() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                NoUcx.class.getName(), "/nonexistent/ucx");
        pb.environment().remove("LD_LIBRARY_PATH");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        boolean systemHasUcx = systemHasUcx();
        if (systemHasUcx) {
            assertEquals("usable", out, "this machine has UCX installed, so the child finds it");
        } else {
            assertTrue(out.contains("libucp.so.0") || out.contains("libucs.so.0"), out);
            assertTrue(out.contains("holds no libucp.so.0"), out);
            assertTrue(out.contains("bin/ensure-ucx"), out);
        }
    }

    private static boolean systemHasUcx() throws IOException, InterruptedException {
        for (String dir : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib")) {
            if (Path.of(dir, "libucp.so.0").toFile().exists()) return true;
        }
        return false;
    }

    /** The child: prints what loading says. */
    public static final class NoUcx {
        public static void main(String[] args) {
            System.out.println(Ucx.load(args[0]).orElse("usable"));
        }
    }
}
