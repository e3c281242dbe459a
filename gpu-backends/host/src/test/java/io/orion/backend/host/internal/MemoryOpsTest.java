package io.orion.backend.host.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import io.orion.api.backend.DeviceSymbol;
import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.GpuModule;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Loads and stores in every space and width, module globals and constants, generic pointers. */
class MemoryOpsTest {
    private TestDevice dev;
    private final Random random = new Random();

    @BeforeEach
    void open() {
        dev = new TestDevice();
    }

    @AfterEach
    void close() {
        dev.close();
    }

    @Test
    void everySpaceAndWidthReadsAndWritesWhatItShould() {
        GpuModule m = dev.loadTestKernels("memory_ops");
        GpuFunction f = dev.ctx().function(m, "memory_ops");
        int n = 1000, ops = 16, threads = 128;
        float[] vec = new float[4 * n];
        for (int i = 0; i < vec.length; i++) vec[i] = random.nextInt(201) - 100;
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        short[] shorts = new short[n];
        for (int i = 0; i < n; i++) shorts[i] = (short) random.nextInt();
        int[] table = new int[64];
        for (int i = 0; i < 64; i++) table[i] = random.nextInt(1000);
        DeviceSymbol t = dev.ctx().global(m, "table");
        assertEquals(256, t.size());
        dev.ctx().copyHtoD(t.address(), MemorySegment.ofArray(table), 256, null);
        long pshorts = dev.ctx().memAlloc(2L * n);
        dev.ctx().copyHtoD(pshorts, MemorySegment.ofArray(shorts), 2L * n, null);
        long out = dev.ctx().memAlloc(4L * n * ops);
        dev.ctx().launch(f, Dim3.of((n + threads - 1) / threads), Dim3.of(threads), 0, null,
                TestDevice.args(f, dev.upload(vec), dev.upload(bytes), pshorts, out, n));
        int[] got = dev.ints(out, n * ops);
        int[] gtable = {10, 20, 30, 40, 50, 60, 70, 80};
        for (int i = 0; i < n; i++) {
            int[] local = new int[24];
            for (int k = 0; k < 24; k++) local[k] = k * i + (k ^ i);
            int tid = i % threads, base = i - tid + (tid / 4) * 4;
            int[] want = {
                (int) (vec[4 * i] + 2 * vec[4 * i + 1] + 3 * vec[4 * i + 2] + 4 * vec[4 * i + 3]),
                bytes[i], bytes[i] & 0xff, shorts[i], shorts[i] & 0xffff,
                local[(i * 7) % 24] + local[bytes[i] & 15],
                table[i & 63] + table[(i >> 6) & 63],
                gtable[i & 7] + gtable[3],
                (int) (0.5 * i),
                shorts[(i + 1) % n],
                3 * (base + base + 1 + base + 2),
                local[3] + local[4] + local[5],
                gtable[i & 3] + gtable[(i & 3) + 1] + gtable[(i & 3) + 2],
                1, i, -i,
            };
            for (int k = 0; k < ops; k++) assertEquals(want[k], got[i * ops + k], "op " + k + " of element " + i);
        }
        // Module globals are ordinary device memory: the host sees what the PTX initialised.
        DeviceSymbol g = dev.ctx().global(m, "gtable");
        int[] back = dev.ints(g.address(), 8);
        assertEquals(80, back[7]);
        DeviceSymbol p = dev.ctx().global(m, "gpointer");
        assertEquals(g.address() + 12, dev.longs(p.address(), 1)[0], "a pointer initializer holds the device address");
        DeviceSymbol scale = dev.ctx().global(m, "gscale");
        assertEquals(0.5, dev.doubles(scale.address(), 1)[0]);
    }
}
