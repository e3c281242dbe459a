package io.orion.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.orion.backend.cuda.gpu.BenchTable;
import io.orion.backend.cuda.gpu.CallOverhead;
import io.orion.backend.cuda.gpu.GpuBench;
import io.orion.backend.cuda.gpu.GpuSuite;

/**
 * Rehearses the GPU proof on the fake driver, so that the H200 run does not fail on the suite's or
 * the benchmark's own mistakes. The kernels are compiled by nvcc as run.sh does; without nvcc the
 * test is skipped. What it proves about a GPU: nothing; about the suite's plumbing: everything.
 */
class GpuProofOnFakeTest {
    private static FakeDriver fake;
    private static Path kernels;
    private static Path cLoops;

    @BeforeAll
    static void compileKernels() throws Exception {
        fake = FakeDriver.require();
        String nvcc = List.of("/usr/local/cuda/bin/nvcc", "/usr/bin/nvcc", "/usr/local/bin/nvcc").stream()
                .filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
        assumeTrue(nvcc != null, "no nvcc to compile gpu/kernels.cu");
        Path module = Path.of(System.getProperty("orion.module.dir", "."));
        kernels = module.resolve("target/gpu-kernels");
        Files.createDirectories(kernels);
        String cu = module.resolve("gpu/kernels.cu").toString();
        nvcc(nvcc, "-arch=sm_90", "-ptx", "-o", kernels.resolve("kernels.ptx").toString(), cu);
        nvcc(nvcc, "-arch=sm_90", "-cubin", "-o", kernels.resolve("kernels.cubin").toString(), cu);
        nvcc(nvcc, "-fatbin", "-gencode", "arch=compute_90,code=[sm_90,compute_90]", "-o", kernels.resolve("kernels.fatbin").toString(), cu);
        // bench.c's loops, for GpuBench --c-loops, as run.sh builds them (the fakes were built with this cuda.h and gcc)
        String include = Files.readString(FakeDriver.dir().resolve("CUDA_INCLUDE")).strip();
        cLoops = kernels.resolve("libbenchloops.so");
        run("gcc", "-O2", "-std=c11", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", "-I" + include, "-o", cLoops.toString(),
                module.resolve("gpu/bench_loops.c").toString(), FakeDriver.dir().resolve("cuda/libcuda.so.1").toString());
    }

    private static void nvcc(String... command) throws IOException, InterruptedException {
        run(command);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), command[0] + " timed out");
        assertEquals(0, p.exitValue(), command[0] + " failed: " + output);
    }

    /** Both parts, as run.sh runs them; the main part ends the fake's CUDA, as on the GPU, until the test clears it. */
    @Test
    void theSuitePassesOnTheFake() throws Exception {
        try {
            String main = suite("--kernels", kernels.toString(), "--seed", "42");
            assertTrue(main.contains("\nGPU suite: ") && main.contains(" passed, 0 failed (seed 42)"), main);
            assertTrue(main.contains("PASS  fault: an illegal address in one context ends CUDA in every context"), main);
        } finally {
            fake.clearFault();
        }
        try {
            String assertPart = suite("--kernels", kernels.toString(), "--seed", "42", "--part", "assert");
            assertTrue(assertPart.contains("GPU suite (assert part): 1 passed, 0 failed (seed 42)"), assertPart);
        } finally {
            fake.clearFault(); // the assert ends the fake's CUDA too, as it did on the H200
        }
    }

    @Test
    void theCostPerCallRunsOnTheFake() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int rc = CallOverhead.run(new String[] {"--kernels", kernels.toString(), "--rounds", "5", "--calls", "200"},
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, out);
        assertEquals(7, out.lines().filter(l -> l.matches("(launch|synchronize|copy|memset).*[+-]\\d+\\.\\d")).count(), out);
        assertTrue(out.contains("backend's own cost per call, median over the operations: "), out);
    }

    /** A CPU this process may run on (a CI container may not have CPU 0). */
    private static String firstAllowedCpu() throws IOException {
        String allowed = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Cpus_allowed_list:"))
                .findFirst().orElseThrow().substring("Cpus_allowed_list:".length()).strip();
        return allowed.split("[-,]")[0];
    }

    private static String suite(String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int rc = GpuSuite.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, out);
        assertTrue(!out.contains("\nFAIL"), out);
        return out;
    }

    @Test
    void theBenchmarkAndItsTableRunOnTheFake() throws Exception {
        Path java = kernels.resolve("java.txt"), c = kernels.resolve("c.txt");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String cpu = firstAllowedCpu();
        int rc = GpuBench.run(new String[] {"--kernels", kernels.toString(), "--max-bytes", "65536", "--launches", "200",
                "--reps", "3", "--cpu", cpu, "--c-loops", cLoops.toString()}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, out);
        assertTrue(out.contains("bench: measuring thread pinned to CPU " + cpu), out);
        Files.writeString(java, out);
        // 2 launch rows + 4 kinds x 3 sizes (4, 16 and 64 KiB), each through the backend, bare FFM and C in the JVM
        for (String impl : List.of("java", "ffm", "cjvm"))
            assertEquals(2 + 4 * 3, out.lines().filter(l -> l.startsWith("RESULT " + impl + " ")).count(), out);
        Files.writeString(c, out.replace("RESULT java ", "RESULT c "));
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        // judged against c (a copy of the Java figures): on the fake, C in the JVM is far quicker than any backend call
        int t = BenchTable.print(BenchTable.read(c, "c"), Map.of(), BenchTable.readIfAny(java, "ffm"),
                BenchTable.read(java, "java"), new PrintStream(table, true, StandardCharsets.UTF_8));
        String text = table.toString(StandardCharsets.UTF_8);
        assertEquals(0, t, text);
        assertTrue(text.contains("within 5 % of C: 14 of 14 rows"), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("launch_queued") && l.matches(".*%\\s+[+-]\\d+\\.\\d%.*")),
                "the FFM share is shown: " + text);
    }
}
