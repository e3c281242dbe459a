package io.orion.backend.cuda.internal.context;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.DeviceSymbol;
import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuFunction;
import io.orion.api.backend.GpuModule;
import io.orion.api.backend.KernelParam;
import io.orion.backend.cuda.internal.CudaBackend;
import io.orion.backend.cuda.internal.FakeDriver;
import io.orion.backend.cuda.internal.TestBackends;

/** Modules by content, parameter layouts, argument packing, launches, globals. */
class KernelTest {
    private static final String[] KERNELS = {"orion_empty", "orion_vec_add", "orion_saxpy", "orion_scale", "orion_count",
                                             "orion_write"};
    private FakeDriver fake;
    private CudaBackend backend;
    private GpuContext ctx;
    private Arena arena;
    private final Random random = new Random();

    @BeforeEach
    void open() {
        fake = FakeDriver.require();
        backend = TestBackends.fake();
        ctx = backend.openContext(TestBackends.first(backend).uuid());
        arena = Arena.ofConfined();
    }

    @AfterEach
    void close() {
        if (arena != null) arena.close();
        if (backend != null) backend.close();
    }

    private GpuModule ptxModule() {
        return ctx.loadModule(FakeDriver.ptx(arena, KERNELS));
    }

    @Test
    void ptxIsRecognisedWithoutItsTerminatingNul() {
        byte[] text = FakeDriver.ptxText(KERNELS).getBytes(StandardCharsets.US_ASCII); // no NUL, on the heap
        GpuModule m = ctx.loadModule(MemorySegment.ofArray(text));
        assertEquals(4, ctx.function(m, "orion_vec_add").params().size());
    }

    @Test
    void cubinsAndFatBinariesAreRecognisedByTheirMagic() {
        byte[] names = String.join("\0", KERNELS).getBytes(StandardCharsets.US_ASCII);
        // an ELF image whose one section header lies right after the names
        ByteBuffer elf = ByteBuffer.allocate(64 + names.length + 64).order(ByteOrder.LITTLE_ENDIAN);
        elf.putInt(0, 0x464c457f).putLong(0x28, 64 + names.length).putShort(0x3a, (short) 64).putShort(0x3c, (short) 1);
        elf.put(64, names);
        GpuModule cubin = ctx.loadModule(MemorySegment.ofArray(elf.array()));
        ByteBuffer fat = ByteBuffer.allocate(16 + names.length).order(ByteOrder.LITTLE_ENDIAN);
        fat.putInt(0, 0xba55ed50).putShort(4, (short) 1).putShort(6, (short) 16).putLong(8, names.length);
        fat.put(16, names);
        GpuModule fatbin = ctx.loadModule(MemorySegment.ofArray(fat.array()));
        assertTrue(cubin.toString().startsWith("CUBIN module"), cubin.toString());
        assertTrue(fatbin.toString().startsWith("FATBIN module"), fatbin.toString());
        ctx.launch(ctx.function(fatbin, "orion_empty"), Dim3.of(1), Dim3.of(1), 0, null, null);
        ctx.synchronize();
    }

    @Test
    void imagesThatAreNoneOfTheThreeAreRefusedSayingWhatWasExpected() {
        GpuException garbage = assertThrows(GpuException.class, () -> ctx.loadModule(MemorySegment.ofArray(new byte[] {1, 2, 3, 4, 5})));
        assertEquals(CudaError.INVALID_IMAGE.code(), garbage.code());
        assertTrue(garbage.getMessage().contains("not PTX text, a cubin (ELF) or a fat binary") && garbage.getMessage().contains("01 02 03 04 05"),
                garbage.getMessage());
        byte[] wrapper = {(byte) 0xb1, 0x43, 0x62, 0x46, 0, 0, 0, 0};
        GpuException w = assertThrows(GpuException.class, () -> ctx.loadModule(MemorySegment.ofArray(wrapper)));
        assertTrue(w.getMessage().contains("__fatBinC_Wrapper_t"), w.getMessage());
        assertEquals(CudaError.INVALID_IMAGE.code(), assertThrows(GpuException.class,
                () -> ctx.loadModule(MemorySegment.ofArray(new byte[0]))).code());
    }

    @Test
    void aPtxThatDoesNotCompileCarriesTheJitLog() {
        GpuException e = assertThrows(GpuException.class,
                () -> ctx.loadModule(arena.allocateFrom(".version 9.0\n.target sm_90\norion_syntax_error\n")));
        assertEquals(CudaError.INVALID_PTX.code(), e.code());
        assertTrue(e.getMessage().endsWith("a PTX JIT compilation failed; JIT log: ptxas application ptx input, line 1; fatal : fake syntax error"),
                e.getMessage());
    }

    @Test
    void parameterLayoutsComeFromTheDriverAndAreCached() {
        GpuModule m = ptxModule();
        GpuFunction saxpy = ctx.function(m, "orion_saxpy");
        assertEquals(List.of(new KernelParam(0, 0, 4), new KernelParam(1, 8, 8), new KernelParam(2, 16, 8),
                new KernelParam(3, 24, 4)), saxpy.params());
        assertEquals(28, saxpy.paramBufferSize());
        assertEquals(List.of(new KernelParam(0, 0, 24), new KernelParam(1, 24, 8)), ctx.function(m, "orion_scale").params());
        assertEquals(List.of(), ctx.function(m, "orion_empty").params());
        assertSame(saxpy, ctx.function(m, "orion_saxpy"));
        GpuException missing = assertThrows(GpuException.class, () -> ctx.function(m, "orion_reverse_block"));
        assertEquals(CudaError.NOT_FOUND.code(), missing.code());
        assertTrue(missing.getMessage().contains("cuModuleGetFunction(orion_reverse_block)"), missing.getMessage());
    }

    @Test
    void launchesPassPackedArgumentsOfMixedTypes() {
        GpuModule m = ptxModule();
        int n = 1000;
        float a = random.nextFloat();
        float[] x = floats(n), y = floats(n);
        long dx = upload(x), dy = upload(y);
        MemorySegment args = arena.allocate(28);
        args.set(JAVA_FLOAT, 0, a);
        args.set(JAVA_LONG, 8, dx);
        args.set(JAVA_LONG, 16, dy);
        args.set(JAVA_INT, 24, n);
        ctx.launch(ctx.function(m, "orion_saxpy"), Dim3.of((n + 255) / 256), Dim3.of(256), 0, null, args);
        float[] got = new float[n];
        ctx.copyDtoH(MemorySegment.ofArray(got), dy, 4L * n, null);
        float[] expect = new float[n];
        for (int i = 0; i < n; i++) expect[i] = Math.fma(a, x[i], y[i]); // fused, as nvcc compiles it
        assertArrayEquals(expect, got);
    }

    @Test
    void aStructByValueAndAHeapArgumentBuffer() {
        GpuModule m = ptxModule();
        int n = 300;
        double scale = random.nextDouble();
        double[] in = new double[n];
        for (int i = 0; i < n; i++) in[i] = random.nextGaussian();
        long din = ctx.memAlloc(8L * n), dout = ctx.memAlloc(8L * n);
        ctx.copyHtoD(din, MemorySegment.ofArray(in), 8L * n, null);
        byte[] packed = new byte[32]; // on the heap: the backend copies it to native scratch
        ByteBuffer.wrap(packed).order(ByteOrder.nativeOrder()).putInt(0, n).putDouble(8, scale).putLong(16, din).putLong(24, dout);
        ctx.launch(ctx.function(m, "orion_scale"), Dim3.of(2), Dim3.of(256), 0, null, MemorySegment.ofArray(packed));
        double[] got = new double[n];
        ctx.copyDtoH(MemorySegment.ofArray(got), dout, 8L * n, null);
        for (int i = 0; i < n; i++) assertEquals(in[i] * scale, got[i], 0.0);
    }

    @Test
    void argumentBuffersAndLaunchShapesAreChecked() {
        GpuModule m = ptxModule();
        GpuFunction vecAdd = ctx.function(m, "orion_vec_add");
        GpuException small = assertThrows(GpuException.class,
                () -> ctx.launch(vecAdd, Dim3.of(1), Dim3.of(1), 0, null, arena.allocate(27)));
        assertEquals(CudaError.INVALID_VALUE.code(), small.code());
        assertTrue(small.getMessage().contains("needs 28 bytes, was 27 bytes"), small.getMessage());
        assertThrows(GpuException.class, () -> ctx.launch(vecAdd, Dim3.of(1), Dim3.of(1), 0, null, null));
        long launches = fake.count("cuLaunchKernel");
        GpuException block = assertThrows(GpuException.class,
                () -> ctx.launch(ctx.function(m, "orion_empty"), Dim3.of(1), Dim3.of(2048), 0, null, null));
        assertEquals(CudaError.INVALID_VALUE.code(), block.code());
        assertTrue(block.getMessage().contains("cuLaunchKernel(orion_empty, grid 1x1x1, block 2048x1x1, 0 B shared)"), block.getMessage());
        assertEquals(launches + 1, fake.count("cuLaunchKernel"), "the driver judges the shape");
    }

    @Test
    void globalsCanBeCopiedAndAreSeenByKernels() {
        GpuModule m = ptxModule();
        DeviceSymbol counter = ctx.global(m, "orion_counter");
        assertEquals(4, counter.size());
        ctx.memsetD8(counter.address(), 0, 4, null);
        MemorySegment args = arena.allocate(4);
        args.set(JAVA_INT, 0, 700);
        ctx.launch(ctx.function(m, "orion_count"), Dim3.of(4), Dim3.of(256), 0, null, args);
        MemorySegment out = arena.allocate(4);
        ctx.copyDtoH(out, counter.address(), 4, null);
        assertEquals(700, out.get(JAVA_INT, 0));
        assertEquals(CudaError.NOT_FOUND.code(), assertThrows(GpuException.class, () -> ctx.global(m, "orion_nothing")).code());
    }

    @Test
    void unloadingKillsTheModulesFunctionsAndGlobals() {
        GpuModule m = ptxModule();
        GpuFunction empty = ctx.function(m, "orion_empty");
        DeviceSymbol counter = ctx.global(m, "orion_counter");
        ctx.unloadModule(m);
        assertEquals(CudaError.INVALID_HANDLE.code(), assertThrows(GpuException.class, () -> ctx.unloadModule(m)).code(),
                "as cuModuleUnload of an unloaded module");
        assertEquals(CudaError.INVALID_HANDLE.code(), assertThrows(GpuException.class,
                () -> ctx.launch(empty, Dim3.of(1), Dim3.of(1), 0, null, null)).code());
        assertEquals(CudaError.INVALID_VALUE.code(), assertThrows(GpuException.class,
                () -> ctx.memsetD8(counter.address(), 0, 4, null)).code());
        assertEquals(CudaError.INVALID_HANDLE.code(), assertThrows(GpuException.class, () -> ctx.function(m, "orion_empty")).code());
    }

    @Test
    void attributesAndOccupancy() {
        GpuFunction f = ctx.function(ptxModule(), "orion_vec_add");
        var attrs = ctx.attributes(f);
        assertEquals(1024, attrs.maxThreadsPerBlock());
        assertEquals(8, attrs.numRegs());
        assertEquals(90, attrs.ptxVersion());
        assertEquals(49152, attrs.maxDynamicSharedSizeBytes());
        assertEquals(8, ctx.maxActiveBlocksPerMultiprocessor(f, 256, 0));
        assertEquals(CudaError.INVALID_VALUE.code(), assertThrows(GpuException.class,
                () -> ctx.maxActiveBlocksPerMultiprocessor(f, 0, 0)).code());
    }

    @Test
    void anotherContextsFunctionIsRefused() {
        GpuFunction f = ctx.function(ptxModule(), "orion_empty");
        GpuContext other = backend.openContext(TestBackends.first(backend).uuid());
        GpuException e = assertThrows(GpuException.class, () -> other.launch(f, Dim3.of(1), Dim3.of(1), 0, null, null));
        assertEquals(CudaError.INVALID_HANDLE.code(), e.code());
        assertTrue(e.getMessage().contains("belongs to another context"), e.getMessage());
    }

    private float[] floats(int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = random.nextFloat() * 100 - 50;
        return f;
    }

    private long upload(float[] data) {
        long p = ctx.memAlloc(4L * data.length);
        ctx.copyHtoD(p, MemorySegment.ofArray(data), 4L * data.length, null);
        return p;
    }
}
