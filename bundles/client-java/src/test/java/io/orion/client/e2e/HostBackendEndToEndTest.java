package io.orion.client.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuBackend;
import io.orion.api.backend.GpuException;
import io.orion.client.ClientOptions;
import io.orion.client.Kernel;
import io.orion.client.Module;
import io.orion.client.OrionClient;
import io.orion.client.Vgpu;
import io.orion.client.VgpuSession;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The project's own CUDA kernels (samples/kernels, compiled by nvcc) run through the Java client,
 * over each transport, on the host backend's PTX interpreter; results are checked against the same
 * computation on the CPU.
 */
class HostBackendEndToEndTest {
    private static GpuBackend backend;
    private static ServerFixture fx;

    @BeforeAll
    static void start() throws IOException {
        backend = TestBackends.host(1, 1024);
        fx = new ServerFixture(backend, ServerFixture.testSettings());
    }

    @AfterAll
    static void stop() throws IOException {
        fx.close();
        TestBackends.close(backend);
    }

    static byte[] kernel(String file) throws IOException {
        return Files.readAllBytes(Path.of(System.getProperty("orion.samples.kernels", "../../samples/target/kernels"), file));
    }

    private static VgpuSession open(String transport) {
        return OrionClient.open(ClientOptions.of(fx.endpoint(transport), 256).withClientName("host-e2e"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "shm"})
    void vectorAdd(String transport) throws IOException {
        int n = 50_000;
        try (VgpuSession s = open(transport); Arena a = Arena.ofConfined()) {
            Vgpu d = s.device(0);
            Kernel k = d.loadModule(kernel("vector_add.ptx")).kernel("vector_add");
            MemorySegment x = a.allocate(ValueLayout.JAVA_FLOAT, n), y = a.allocate(ValueLayout.JAVA_FLOAT, n);
            for (int i = 0; i < n; i++) {
                x.setAtIndex(ValueLayout.JAVA_FLOAT, i, i * 0.5f);
                y.setAtIndex(ValueLayout.JAVA_FLOAT, i, 1000f - i);
            }
            long dx = d.malloc(4L * n), dy = d.malloc(4L * n), dz = d.malloc(4L * n);
            d.copyToDevice(dx, x, 4L * n);
            d.copyToDevice(dy, y, 4L * n);
            d.launch(k, Dim3.of(64), Dim3.of(256), 0, null, k.args().ptr(dx).ptr(dy).ptr(dz).i32(n));
            MemorySegment z = a.allocate(ValueLayout.JAVA_FLOAT, n);
            d.copyFromDevice(z, dz, 4L * n);
            for (int i = 0; i < n; i++) assertEquals(i * 0.5f + 1000f - i, z.getAtIndex(ValueLayout.JAVA_FLOAT, i), "c[" + i + "]");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "shm"})
    void aLargeResultCopiedOutRightAfterItsKernelArrivesExactly(String transport) throws IOException {
        // 12 MiB + 68 bytes: over TCP a dozen chunks, each copied on the device while the one before is sent
        // (two staging buffers, protocol.md §4.3); the first waits for the kernel queued just before it.
        int n = 3 * (1 << 20) + 17;
        try (VgpuSession s = open(transport); Arena a = Arena.ofConfined()) {
            Vgpu d = s.device(0);
            Kernel k = d.loadModule(kernel("vector_add.ptx")).kernel("vector_add");
            MemorySegment x = a.allocate(ValueLayout.JAVA_FLOAT, n), y = a.allocate(ValueLayout.JAVA_FLOAT, n);
            MemorySegment want = a.allocate(ValueLayout.JAVA_FLOAT, n);
            SplittableRandom r = new SplittableRandom(3);
            for (int i = 0; i < n; i++) {
                float xi = (float) r.nextDouble(-1e6, 1e6), yi = (float) r.nextDouble(-1e6, 1e6);
                x.setAtIndex(ValueLayout.JAVA_FLOAT, i, xi);
                y.setAtIndex(ValueLayout.JAVA_FLOAT, i, yi);
                want.setAtIndex(ValueLayout.JAVA_FLOAT, i, xi + yi);
            }
            long dx = d.malloc(4L * n), dy = d.malloc(4L * n), dz = d.malloc(4L * n);
            d.copyToDevice(dx, x, 4L * n);
            d.copyToDevice(dy, y, 4L * n);
            for (int round = 0; round < 2; round++) { // twice: the second reuses the staging buffers
                if (round == 1) d.memset(dz, 0, 4L * n);
                d.launch(k, Dim3.of(256), Dim3.of(256), 0, null, k.args().ptr(dx).ptr(dy).ptr(dz).i32(n));
                MemorySegment z = a.allocate(ValueLayout.JAVA_FLOAT, n);
                d.copyFromDevice(z, dz, 4L * n);
                long at = want.mismatch(z);
                assertEquals(-1, at, "round " + round + ": first wrong byte at " + at + " of " + 4L * n);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "shm"})
    void reduceSumWithDynamicSharedMemory(String transport) throws IOException {
        int n = 100_000, blocks = 32, threads = 256;
        try (VgpuSession s = open(transport); Arena a = Arena.ofConfined()) {
            Vgpu d = s.device(0);
            Kernel k = d.loadModule(kernel("reduce_sum.ptx")).kernel("reduce_sum");
            MemorySegment in = a.allocate(ValueLayout.JAVA_INT, n);
            SplittableRandom r = new SplittableRandom(1);
            long expected = 0;
            for (int i = 0; i < n; i++) {
                int v = r.nextInt(-1000, 1000);
                in.setAtIndex(ValueLayout.JAVA_INT, i, v);
                expected += v;
            }
            long din = d.malloc(4L * n), dpart = d.malloc(4L * blocks);
            d.copyToDevice(din, in, 4L * n);
            var stream = d.createStream(true, 0);
            d.launch(k, Dim3.of(blocks), Dim3.of(threads), threads * 4, stream, k.args().ptr(din).ptr(dpart).i32(n));
            stream.synchronize();
            MemorySegment part = a.allocate(ValueLayout.JAVA_INT, blocks);
            d.copyFromDevice(part, dpart, 4L * blocks);
            long sum = 0;
            for (int i = 0; i < blocks; i++) sum += part.getAtIndex(ValueLayout.JAVA_INT, i);
            assertEquals(expected, sum);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "shm"})
    void tiledMatrixMultiplyFromAFatBinary(String transport) throws IOException {
        int m = 40, n = 24, kk = 36;
        try (VgpuSession s = open(transport); Arena a = Arena.ofConfined()) {
            Vgpu d = s.device(0);
            Module mod = d.loadModule(kernel("matmul_tiled.fatbin"));
            Kernel k = mod.kernel("matmul_tiled");
            MemorySegment A = a.allocate(ValueLayout.JAVA_FLOAT, (long) m * kk), B = a.allocate(ValueLayout.JAVA_FLOAT, (long) kk * n);
            SplittableRandom r = new SplittableRandom(2);
            for (int i = 0; i < m * kk; i++) A.setAtIndex(ValueLayout.JAVA_FLOAT, i, r.nextInt(-4, 5));
            for (int i = 0; i < kk * n; i++) B.setAtIndex(ValueLayout.JAVA_FLOAT, i, r.nextInt(-4, 5));
            long dA = d.malloc(A.byteSize()), dB = d.malloc(B.byteSize()), dC = d.malloc(4L * m * n);
            d.copyToDevice(dA, A, A.byteSize());
            d.copyToDevice(dB, B, B.byteSize());
            d.launch(k, new Dim3((n + 15) / 16, (m + 15) / 16, 1), new Dim3(16, 16, 1), 0, null,
                    k.args().ptr(dA).ptr(dB).ptr(dC).i32(m).i32(n).i32(kk));
            MemorySegment C = a.allocate(ValueLayout.JAVA_FLOAT, (long) m * n);
            d.copyFromDevice(C, dC, C.byteSize());
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float acc = 0;
                    for (int t = 0; t < kk; t++) acc += A.getAtIndex(ValueLayout.JAVA_FLOAT, (long) i * kk + t) * B.getAtIndex(ValueLayout.JAVA_FLOAT, (long) t * n + j);
                    assertEquals(acc, C.getAtIndex(ValueLayout.JAVA_FLOAT, (long) i * n + j), "C[" + i + "][" + j + "]");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "shm"})
    void aKernelThatFaultsReportsAtTheNextSynchronize(String transport) throws IOException {
        try (VgpuSession s = open(transport)) {
            Vgpu d = s.device(0);
            Kernel k = d.loadModule(kernel("vector_add.ptx")).kernel("vector_add");
            long dz = d.malloc(1024);
            // pointers the kernel dereferences but nobody allocated: the device faults, asynchronously
            d.launch(k, Dim3.of(1), Dim3.of(32), 0, null, k.args().ptr(0x10).ptr(0x20).ptr(dz).i32(32));
            GpuException e = assertThrows(GpuException.class, d::synchronize);
            assertEquals(CudaError.ILLEGAL_ADDRESS.code(), e.code(), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "shm"})
    void aBadModuleIsRefusedWithTheBackendsError(String transport) {
        try (VgpuSession s = open(transport)) {
            GpuException e = assertThrows(GpuException.class, () -> s.device(0).loadModule(".version 8.0\n.target sm_90\nnot ptx at all".getBytes()));
            assertEquals(CudaError.INVALID_PTX.code(), e.code(), e.getMessage());
        }
    }
}
