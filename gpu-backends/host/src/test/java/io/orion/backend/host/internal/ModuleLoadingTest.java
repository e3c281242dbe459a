package io.orion.backend.host.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.Dim3;
import io.orion.api.backend.FunctionAttributes;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.GpuModule;
import io.orion.api.backend.KernelParam;
import io.orion.backend.host.internal.module.ModuleImage;
import io.orion.backend.host.internal.ptx.PtxParser;
import io.orion.backend.host.internal.ptx.Statement;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Module images of every kind, and what a loaded module reports: kernels, globals, layouts, attributes. */
class ModuleLoadingTest {
    private TestDevice dev;

    @BeforeEach
    void open() {
        dev = new TestDevice();
    }

    @AfterEach
    void close() {
        dev.close();
    }

    static byte[] resource(String path) {
        try (InputStream in = ModuleLoadingTest.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing " + path);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> instructions(String ptx) {
        return PtxParser.parse(ptx).functions().stream().flatMap(f -> f.body().stream())
                .filter(s -> s instanceof Statement.Instruction).map(Object::toString).toList();
    }

    @Test
    void everyFatBinaryFormCarriesTheSamePtxAsNvccPtx() {
        String ptx = new String(TestDevice.kernelFile("vector_add.ptx"), java.nio.charset.StandardCharsets.UTF_8);
        ModuleImage zstd = ModuleImage.of(TestDevice.kernelFile("vector_add.fatbin"), 90);
        ModuleImage plain = ModuleImage.of(TestDevice.kernelFile("vector_add.uncompressed.fatbin"), 90);
        ModuleImage lz4 = ModuleImage.of(resource("/fatbin/speed.fatbin"), 90);
        assertTrue(zstd.origin().contains("Zstandard"), zstd.origin());
        assertTrue(lz4.origin().contains("LZ4"), lz4.origin());
        assertEquals(plain.ptx(), zstd.ptx());
        assertEquals(plain.ptx(), lz4.ptx());
        assertEquals(instructions(ptx), instructions(zstd.ptx()));
    }

    @Test
    void theHighestPtxNotAboveTheDeviceIsChosen() {
        ModuleImage m = ModuleImage.of(resource("/fatbin/multi-arch.fatbin"), 90);
        assertTrue(m.origin().contains("compute_90"), m.origin());
        assertTrue(ModuleImage.of(resource("/fatbin/multi-arch.fatbin"), 80).origin().contains("compute_75"));
    }

    @Test
    void theFatBinariesOfARealExecutableLoadAndRun() {
        byte[] section = resource("/fatbin/executable.nv_fatbin");
        // The program's own container: its PTX runs (the kernel's name is mangled, as registered).
        GpuModule program = dev.load(section);
        GpuFunction scale = dev.ctx().function(program, "_Z5scalePffi");
        float[] x = new float[64];
        for (int i = 0; i < 64; i++) x[i] = i;
        long px = dev.upload(x);
        dev.ctx().launch(scale, Dim3.of(2), Dim3.of(32), 0, null, TestDevice.args(scale, px, 2.0f, 64));
        float[] got = dev.floats(px, 64);
        for (int i = 0; i < 64; i++) assertEquals(2f * i, got[i], 0f);
        assertEquals(64, dev.ints(dev.ctx().global(program, "calls").address(), 1)[0]);
        // nvlink's stub container, registered by its own wrapper, has no code: it loads, empty.
        int stubSize = 16 + (int) java.nio.ByteBuffer.wrap(section, 8, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        GpuModule stub = dev.load(java.util.Arrays.copyOf(section, stubSize));
        assertEquals(CudaError.NOT_FOUND, assertThrows(GpuException.class, () -> dev.ctx().function(stub, "_Z5scalePffi")).error());
    }

    @Test
    void imagesTheInterpreterCannotRunAreRefusedWithTheReason() {
        GpuException sass = assertThrows(GpuException.class, () -> dev.load(resource("/fatbin/sass-only.fatbin")));
        assertEquals(CudaError.NO_BINARY_FOR_GPU, sass.error());
        assertTrue(sass.getMessage().contains("-gencode arch=compute_90,code=compute_90"), sass.getMessage());
        byte[] cubin = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
        assertEquals(CudaError.NO_BINARY_FOR_GPU, assertThrows(GpuException.class, () -> dev.load(cubin)).error());
        byte[] wrapper = {(byte) 0xb1, 0x43, 0x62, 0x46, 1, 0, 0, 0};
        GpuException w = assertThrows(GpuException.class, () -> dev.load(wrapper));
        assertEquals(CudaError.INVALID_IMAGE, w.error());
        assertTrue(w.getMessage().contains("__cudaRegisterFatBinary"), w.getMessage());
        assertEquals(CudaError.INVALID_IMAGE, assertThrows(GpuException.class, () -> dev.load(new byte[] {1, 2, 3, 4, 5})).error());
        assertEquals(CudaError.INVALID_IMAGE, assertThrows(GpuException.class, () -> dev.load(new byte[0])).error());
    }

    @Test
    void anUnknownCompressionIsRefusedNamingTheFlagAndTheNvccOption() {
        // vector_add.fatbin as nvcc 13 writes it (Zstandard), its PTX entries' Zstandard flag replaced by
        // 0x4000, a flag no nvcc sets: binary payload under a compression the decoder does not know.
        byte[] fatbin = TestDevice.kernelFile("vector_add.fatbin");
        int changed = 0;
        int headerSize = (int) le(fatbin, 6, 2);
        long entriesEnd = headerSize + le(fatbin, 8, 8);
        for (int at = headerSize; at < entriesEnd; at += (int) (le(fatbin, at + 4, 4) + le(fatbin, at + 8, 8))) {
            long flags = le(fatbin, at + 40, 8);
            if (le(fatbin, at, 2) != 1 || (flags & 0x8000) == 0) continue; // PTX, Zstandard-compressed
            long patched = (flags & ~0x8000L) | 0x4000;
            for (int i = 0; i < 8; i++) fatbin[at + 40 + i] = (byte) (patched >>> (8 * i));
            changed++;
        }
        assertTrue(changed > 0, "vector_add.fatbin has no Zstandard-compressed PTX entry: not nvcc 13's default output");
        GpuException e = assertThrows(GpuException.class, () -> dev.load(fatbin));
        assertEquals(CudaError.INVALID_IMAGE, e.error());
        assertTrue(e.getMessage().contains("unknown compression (flags 0x4"), e.getMessage());
        assertTrue(e.getMessage().contains("PTX") && e.getMessage().contains("compute_"), "names the entry: " + e.getMessage());
        assertTrue(e.getMessage().contains("rebuild with nvcc --compress-mode=none"), e.getMessage());
    }

    private static long le(byte[] b, int at, int bytes) {
        long v = 0;
        for (int i = bytes - 1; i >= 0; i--) v = v << 8 | (b[at + i] & 0xff);
        return v;
    }

    @Test
    void truncatedAndDamagedFatBinariesAreInvalidImages() {
        byte[] fatbin = TestDevice.kernelFile("vector_add.fatbin");
        byte[] truncated = java.util.Arrays.copyOf(fatbin, fatbin.length / 2);
        assertEquals(CudaError.INVALID_IMAGE, assertThrows(GpuException.class, () -> dev.load(truncated)).error());
        Random random = new Random();
        for (int round = 0; round < 100; round++) {
            byte[] damaged = fatbin.clone();
            for (int i = 0; i < 3; i++) damaged[16 + random.nextInt(damaged.length - 16)] ^= (byte) (1 << random.nextInt(8));
            try {
                dev.load(damaged);
            } catch (GpuException e) {
                assertTrue(List.of(CudaError.INVALID_IMAGE, CudaError.INVALID_PTX, CudaError.NO_BINARY_FOR_GPU,
                        CudaError.NOT_SUPPORTED).contains(e.error()), e.getMessage());
            }
        }
    }

    @Test
    void ptxProblemsNameTheLine() {
        GpuException e = assertThrows(GpuException.class, () -> dev.loadPtx("""
                .version 9.0
                .target sm_90
                .address_size 64
                .visible .entry k()
                {
                    ret
                }
                """));
        assertEquals(CudaError.INVALID_PTX, e.error());
        assertTrue(e.getMessage().contains("line 7"), e.getMessage());
        GpuException newer = assertThrows(GpuException.class, () -> dev.loadPtx(".version 10.1\n.target sm_120\n"));
        assertEquals(CudaError.UNSUPPORTED_PTX_VERSION, newer.error());
    }

    static final String LAYOUT = """
            .version 9.0
            .target sm_90
            .address_size 64
            .const .align 4 .b8 weights[64];
            .visible .entry layout(.param .u8 a, .param .f64 b, .param .u32 c, .param .align 8 .b8 d[16], .param .u16 e)
            .maxntid 128, 1, 1
            {
                .local .align 8 .b8 depot[40];
                .shared .align 4 .b8 tile[512];
                .reg .b32 %r<3>;
                ld.param.u32 %r1, [c];
                ret;
            }
            .visible .entry unknown(.param .u64 p)
            {
                .reg .b32 %r<2>;
                frobnicate.b32 %r1, %r1;
                ret;
            }
            .visible .entry unknown_modifier(.param .u64 p)
            {
                .reg .f32 %f<3>;
                min.xorsign.abs.f32 %f1, %f1, %f2;
                ret;
            }
            """;

    @Test
    void parameterLayoutFollowsAlignment() {
        GpuFunction f = dev.ctx().function(dev.loadPtx(LAYOUT), "layout");
        assertEquals(List.of(new KernelParam(0, 0, 1), new KernelParam(1, 8, 8), new KernelParam(2, 16, 4),
                new KernelParam(3, 24, 16), new KernelParam(4, 40, 2)), f.params());
        assertEquals(42, f.paramBufferSize());
    }

    @Test
    void attributesAndOccupancyDescribeTheKernel() {
        GpuFunction f = dev.ctx().function(dev.loadPtx(LAYOUT), "layout");
        FunctionAttributes a = dev.ctx().attributes(f);
        assertEquals(128, a.maxThreadsPerBlock());
        assertEquals(512, a.sharedSizeBytes());
        assertEquals(64, a.constSizeBytes());
        assertEquals(48, a.localSizeBytes()); // 40 rounded to 16
        assertEquals(90, a.ptxVersion());
        assertEquals(90, a.binaryVersion());
        assertEquals(48 * 1024 - 512, a.maxDynamicSharedSizeBytes());
        int small = dev.ctx().maxActiveBlocksPerMultiprocessor(f, 128, 0);
        int bigShared = dev.ctx().maxActiveBlocksPerMultiprocessor(f, 128, 100_000);
        assertEquals(16, small); // 2048 threads per SM / 128
        assertEquals(2, bigShared); // 228 KiB / (100000 + 512 + 1024)
    }

    @Test
    void anUnknownInstructionFailsTheLaunchNamingOpcodeAndKernel() {
        GpuModule m = dev.loadPtx(LAYOUT); // the module loads: its other kernel is fine
        GpuFunction f = dev.ctx().function(m, "unknown");
        MemorySegment args = Arena.ofAuto().allocate(8);
        GpuException e = assertThrows(GpuException.class, () -> dev.ctx().launch(f, Dim3.of(1), Dim3.of(1), 0, null, args));
        assertEquals(CudaError.NOT_SUPPORTED, e.error());
        assertTrue(e.getMessage().contains("'frobnicate.b32'") && e.getMessage().contains("kernel 'unknown'")
                && e.getMessage().contains("line 17"), e.getMessage());
        // A known opcode with a modifier the interpreter does not implement is refused too, not run without it.
        GpuFunction g = dev.ctx().function(m, "unknown_modifier");
        GpuException modifier = assertThrows(GpuException.class, () -> dev.ctx().launch(g, Dim3.of(1), Dim3.of(1), 0, null, args));
        assertEquals(CudaError.NOT_SUPPORTED, modifier.error());
        assertTrue(modifier.getMessage().contains("modifier .xorsign"), modifier.getMessage());
    }

    @Test
    void missingNamesAndStaleHandlesAreReported() {
        GpuModule m = dev.loadTestKernels("memory_ops");
        GpuException nf = assertThrows(GpuException.class, () -> dev.ctx().function(m, "nope"));
        assertEquals(CudaError.NOT_FOUND, nf.error());
        assertTrue(nf.getMessage().contains("memory_ops"), nf.getMessage());
        assertEquals(CudaError.NOT_FOUND, assertThrows(GpuException.class, () -> dev.ctx().global(m, "nope")).error());
        GpuFunction f = dev.ctx().function(m, "memory_ops");
        long freeBefore = dev.ctx().memInfo().freeBytes();
        dev.ctx().unloadModule(m);
        assertTrue(dev.ctx().memInfo().freeBytes() > freeBefore, "unloading frees the module's globals");
        assertEquals(CudaError.INVALID_HANDLE, assertThrows(GpuException.class, () -> dev.ctx().function(m, "memory_ops")).error());
        assertEquals(CudaError.INVALID_HANDLE, assertThrows(GpuException.class, () -> dev.ctx().attributes(f)).error());
    }

    @Test
    void launchesAreCheckedBeforeTheyAreQueued() {
        GpuFunction f = dev.ctx().function(dev.loadPtx(LAYOUT), "layout");
        MemorySegment args = Arena.ofAuto().allocate(42);
        assertEquals(CudaError.INVALID_VALUE, assertThrows(GpuException.class,
                () -> dev.ctx().launch(f, Dim3.of(1), Dim3.of(256), 0, null, args)).error()); // over .maxntid
        assertEquals(CudaError.INVALID_VALUE, assertThrows(GpuException.class,
                () -> dev.ctx().launch(f, Dim3.of(1), Dim3.of(2048), 0, null, args)).error());
        assertEquals(CudaError.INVALID_VALUE, assertThrows(GpuException.class,
                () -> dev.ctx().launch(f, Dim3.of(1), Dim3.of(32), 0, null, Arena.ofAuto().allocate(16))).error());
        assertEquals(CudaError.INVALID_VALUE, assertThrows(GpuException.class,
                () -> dev.ctx().launch(f, Dim3.of(1), Dim3.of(32), 300_000, null, args)).error());
        assertEquals(CudaError.INVALID_VALUE, assertThrows(GpuException.class,
                () -> dev.ctx().launch(f, new Dim3(1, 70_000, 1), Dim3.of(32), 0, null, args)).error());
        dev.ctx().launch(f, Dim3.of(3), Dim3.of(128), 1000, null, args);
        dev.ctx().synchronize();
    }
}
