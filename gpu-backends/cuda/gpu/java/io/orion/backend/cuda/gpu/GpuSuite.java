package io.orion.backend.cuda.gpu;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.orion.backend.cuda.internal.CudaBackend;
import io.orion.backend.cuda.internal.CudaSettings;

/**
 * The cuda backend's test suite on a real GPU: every operation against a CPU reference on fresh
 * random data, error paths included. Needs only a JRE, the built jars and the kernels that
 * gpu/run.sh compiles with nvcc.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp ... io.orion.backend.cuda.gpu.GpuSuite --kernels DIR [--seed N] [--part main|assert]</pre>
 *
 * The main part ends with a fault that leaves the process unable to do CUDA work; the assert part
 * makes a fault of its own, so it runs in a process of its own ({@link FaultChecks}).
 *
 * Exit status: 0 all passed, 1 a check failed, 2 no usable GPU (the status says why).
 */
public final class GpuSuite {
    private GpuSuite() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    public static int run(String[] args, PrintStream out) throws Exception {
        Map<String, String> opts = Options.parse(args, Map.of("--kernels", "folder with kernels.ptx, .cubin and .fatbin",
                "--seed", "random seed (default: fresh)", "--part", "main (default): every check; assert: the assert fault alone"));
        String part = opts.getOrDefault("--part", "main");
        if (!part.equals("main") && !part.equals("assert")) throw new IllegalArgumentException("--part must be main or assert, was " + part);
        Path kernels = Path.of(Options.require(opts, "--kernels"));
        long seed = opts.containsKey("--seed") ? Long.parseLong(opts.get("--seed")) : System.nanoTime();
        CudaSettings settings = new CudaSettings("auto", 8L << 20, 4, Duration.ofMillis(200));
        try (CudaBackend backend = CudaBackend.open(settings)) {
            out.println("backend: " + backend.status());
            if (!backend.ready()) {
                out.println("GPU suite: no usable GPU, nothing was run");
                return 2;
            }
            Fixture f = new Fixture(backend, kernels, seed);
            out.println("GPU suite on " + f.device.name() + " " + f.device.uuid() + ", random seed " + seed);
            SuiteRunner r = new SuiteRunner(out);
            if (part.equals("assert")) {
                FaultChecks.assertContained(r, f);
            } else {
                DeviceChecks.all(r, f);
                MemoryChecks.all(r, f);
                KernelChecks.all(r, f);
                StreamChecks.all(r, f);
                ThreadChecks.all(r, f);
                ErrorChecks.all(r, f);
                IsolationChecks.all(r, f);
                FaultChecks.processFatal(r, f); // last: no CUDA work is possible in this process after it
            }
            out.printf("GPU suite%s: %d passed, %d failed%s (seed %d)%n", part.equals("main") ? "" : " (" + part + " part)",
                    r.passed(), r.failed().size(), r.failed().isEmpty() ? "" : " " + r.failed(), seed);
            return r.failed().isEmpty() ? 0 : 1;
        }
    }
}
