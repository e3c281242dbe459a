package io.orion.backend.cuda.internal.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.orion.backend.cuda.internal.FakeDriver;
import io.orion.backend.cuda.internal.ffi.CudaDriver;
import io.orion.backend.cuda.internal.ffi.Nvml;
import io.orion.backend.cuda.internal.nvml.NvmlSymbols;

/**
 * The C signatures the backend relies on, written out by hand from cuda.h and nvml.h, checked three
 * ways: against the FunctionDescriptors jextract generated (a regenerated binding that changed a type
 * fails here), against the symbol lists the probes check and the jextract argument files, and, where
 * the headers are on the machine, against the headers' own declarations.
 */
class BindingSignatureTest {

    /** Return type, then parameter types, per symbol. */
    static final Map<String, List<String>> CUDA = table(
            "cuInit: CUresult; unsigned int",
            "cuDriverGetVersion: CUresult; int*",
            "cuGetErrorName: CUresult; CUresult, const char**",
            "cuGetErrorString: CUresult; CUresult, const char**",
            "cuDeviceGetCount: CUresult; int*",
            "cuDeviceGet: CUresult; CUdevice*, int",
            "cuDeviceGetName: CUresult; char*, int, CUdevice",
            "cuDeviceTotalMem_v2: CUresult; size_t*, CUdevice",
            "cuDeviceGetAttribute: CUresult; int*, CUdevice_attribute, CUdevice",
            "cuDeviceGetUuid_v2: CUresult; CUuuid*, CUdevice",
            "cuDeviceGetPCIBusId: CUresult; char*, int, CUdevice",
            "cuCtxCreate_v4: CUresult; CUcontext*, CUctxCreateParams*, unsigned int, CUdevice",
            "cuCtxDestroy_v2: CUresult; CUcontext",
            "cuCtxGetCurrent: CUresult; CUcontext*",
            "cuCtxSetCurrent: CUresult; CUcontext",
            "cuCtxPopCurrent_v2: CUresult; CUcontext*",
            "cuCtxSynchronize: CUresult; void",
            "cuMemAlloc_v2: CUresult; CUdeviceptr*, size_t",
            "cuMemFree_v2: CUresult; CUdeviceptr",
            "cuMemGetInfo_v2: CUresult; size_t*, size_t*",
            "cuMemsetD8_v2: CUresult; CUdeviceptr, unsigned char, size_t",
            "cuMemsetD8Async: CUresult; CUdeviceptr, unsigned char, size_t, CUstream",
            "cuMemcpyHtoD_v2: CUresult; CUdeviceptr, const void*, size_t",
            "cuMemcpyDtoH_v2: CUresult; void*, CUdeviceptr, size_t",
            "cuMemcpyDtoD_v2: CUresult; CUdeviceptr, CUdeviceptr, size_t",
            "cuMemcpyHtoDAsync_v2: CUresult; CUdeviceptr, const void*, size_t, CUstream",
            "cuMemcpyDtoHAsync_v2: CUresult; void*, CUdeviceptr, size_t, CUstream",
            "cuMemcpyDtoDAsync_v2: CUresult; CUdeviceptr, CUdeviceptr, size_t, CUstream",
            "cuMemAllocHost_v2: CUresult; void**, size_t",
            "cuMemFreeHost: CUresult; void*",
            "cuMemHostRegister_v2: CUresult; void*, size_t, unsigned int",
            "cuMemHostUnregister: CUresult; void*",
            "cuModuleLoadDataEx: CUresult; CUmodule*, const void*, unsigned int, CUjit_option*, void**",
            "cuModuleUnload: CUresult; CUmodule",
            "cuModuleGetFunction: CUresult; CUfunction*, CUmodule, const char*",
            "cuModuleGetGlobal_v2: CUresult; CUdeviceptr*, size_t*, CUmodule, const char*",
            "cuFuncLoad: CUresult; CUfunction",
            "cuFuncGetParamInfo: CUresult; CUfunction, size_t, size_t*, size_t*",
            "cuFuncGetAttribute: CUresult; int*, CUfunction_attribute, CUfunction",
            "cuOccupancyMaxActiveBlocksPerMultiprocessor: CUresult; int*, CUfunction, int, size_t",
            "cuLaunchKernel: CUresult; CUfunction, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int, "
                    + "unsigned int, unsigned int, CUstream, void**, void**",
            "cuStreamCreateWithPriority: CUresult; CUstream*, unsigned int, int",
            "cuStreamDestroy_v2: CUresult; CUstream",
            "cuStreamSynchronize: CUresult; CUstream",
            "cuStreamQuery: CUresult; CUstream",
            "cuStreamWaitEvent: CUresult; CUstream, CUevent, unsigned int",
            "cuEventCreate: CUresult; CUevent*, unsigned int",
            "cuEventDestroy_v2: CUresult; CUevent",
            "cuEventRecord: CUresult; CUevent, CUstream",
            "cuEventSynchronize: CUresult; CUevent",
            "cuEventQuery: CUresult; CUevent",
            "cuEventElapsedTime_v2: CUresult; float*, CUevent, CUevent");

    static final Map<String, List<String>> NVML = table(
            "nvmlInit_v2: nvmlReturn_t; void",
            "nvmlShutdown: nvmlReturn_t; void",
            "nvmlErrorString: const char*; nvmlReturn_t",
            "nvmlDeviceGetHandleByUUID: nvmlReturn_t; const char*, nvmlDevice_t*",
            "nvmlDeviceGetUtilizationRates: nvmlReturn_t; nvmlDevice_t, nvmlUtilization_t*",
            "nvmlDeviceGetMemoryInfo: nvmlReturn_t; nvmlDevice_t, nvmlMemory_t*",
            "nvmlDeviceGetTemperature: nvmlReturn_t; nvmlDevice_t, nvmlTemperatureSensors_t, unsigned int*",
            "nvmlDeviceGetPowerUsage: nvmlReturn_t; nvmlDevice_t, unsigned int*",
            "nvmlDeviceGetComputeRunningProcesses_v3: nvmlReturn_t; nvmlDevice_t, unsigned int*, nvmlProcessInfo_t*");

    /** How each C type crosses the FFM boundary on x86-64 Linux (LP64). */
    private static final Map<String, MemoryLayout> C_TYPES = Map.ofEntries(
            Map.entry("int", ValueLayout.JAVA_INT), Map.entry("unsigned int", ValueLayout.JAVA_INT),
            Map.entry("unsigned char", ValueLayout.JAVA_BYTE), Map.entry("size_t", ValueLayout.JAVA_LONG),
            Map.entry("CUresult", ValueLayout.JAVA_INT), Map.entry("CUdevice", ValueLayout.JAVA_INT),
            Map.entry("CUdevice_attribute", ValueLayout.JAVA_INT), Map.entry("CUfunction_attribute", ValueLayout.JAVA_INT),
            Map.entry("CUdeviceptr", ValueLayout.JAVA_LONG),
            Map.entry("nvmlReturn_t", ValueLayout.JAVA_INT), Map.entry("nvmlTemperatureSensors_t", ValueLayout.JAVA_INT));
    private static final List<String> HANDLES = List.of("CUcontext", "CUmodule", "CUfunction", "CUstream", "CUevent",
            "nvmlDevice_t");

    private static Map<String, List<String>> table(String... rows) {
        Map<String, List<String>> t = new LinkedHashMap<>();
        for (String row : rows) {
            String[] nameRest = row.split(": ", 2), retParams = nameRest[1].split("; ", 2);
            List<String> types = new ArrayList<>();
            types.add(retParams[0]);
            if (!retParams[1].equals("void")) types.addAll(Arrays.asList(retParams[1].split(", ")));
            t.put(nameRest[0], List.copyOf(types));
        }
        return t;
    }

    private static MemoryLayout layoutOf(String cType) {
        if (cType.endsWith("*") || HANDLES.contains(cType)) return ValueLayout.ADDRESS;
        MemoryLayout l = C_TYPES.get(cType);
        assertNotNull(l, "no FFM layout known for C type " + cType);
        return l;
    }

    /** Carrier and size: what decides how a value is passed. */
    private static String shape(MemoryLayout l) {
        if (l instanceof AddressLayout) return "pointer";
        return ((ValueLayout) l).carrier().getSimpleName() + "/" + l.byteSize();
    }

    private static void checkDescriptors(Class<?> header, Map<String, List<String>> table) throws Exception {
        for (var e : table.entrySet()) {
            FunctionDescriptor d = (FunctionDescriptor) header.getMethod(e.getKey() + "$descriptor").invoke(null);
            List<String> types = e.getValue();
            assertEquals(shape(layoutOf(types.getFirst())), shape(d.returnLayout().orElseThrow()), e.getKey() + " return");
            List<String> want = types.subList(1, types.size()).stream().map(t -> shape(layoutOf(t))).toList();
            List<String> got = d.argumentLayouts().stream().map(BindingSignatureTest::shape).toList();
            assertEquals(want, got, e.getKey() + " parameters, C " + types.subList(1, types.size()));
        }
    }

    @Test
    void theGeneratedDescriptorsMatchTheCTypes() throws Exception {
        FakeDriver.require(); // a descriptor's holder class resolves its symbol
        checkDescriptors(CudaDriver.class, CUDA);
        checkDescriptors(Nvml.class, NVML);
    }

    @Test
    void theProbesCheckExactlyTheBoundFunctions() throws IOException {
        Path module = Path.of(System.getProperty("orion.module.dir", "."));
        assertEquals(List.copyOf(CUDA.keySet()).stream().sorted().toList(), DriverSymbols.REQUIRED.stream().sorted().toList());
        assertEquals(List.copyOf(NVML.keySet()).stream().sorted().toList(), NvmlSymbols.REQUIRED.stream().sorted().toList());
        assertEquals(DriverSymbols.REQUIRED.stream().sorted().toList(), argFileFunctions(module.resolve("jextract/cuda-driver.args")));
        assertEquals(NvmlSymbols.REQUIRED.stream().sorted().toList(), argFileFunctions(module.resolve("jextract/nvml.args")));
    }

    @Test
    void theTableMatchesTheCudaHeaderWhereItIsInstalled() throws IOException {
        Path dir = FakeDriver.dir();
        Path include = dir == null ? null : dir.resolve("CUDA_INCLUDE");
        assumeTrue(include != null && Files.exists(include), "no cuda.h was found when the fakes were built");
        checkHeader(Path.of(Files.readString(include).strip(), "cuda.h"), CUDA, "CUDAAPI");
    }

    @Test
    void theTableMatchesTheNvmlHeaderWhereItIsGiven() throws IOException {
        Path dir = nvmlInclude();
        assumeTrue(dir != null, "no nvml.h: run bin/ensure-nvml-header (.ci/run does), or set NVML_INCLUDE to a folder with nvml.h");
        checkHeader(dir.resolve("nvml.h"), NVML, "DECLDIR");
    }

    /** NVML_INCLUDE, else .tools/nvml/include of the repository (bin/ensure-nvml-header); null when neither has nvml.h. */
    private static Path nvmlInclude() {
        String env = System.getenv("NVML_INCLUDE");
        if (env != null && Files.exists(Path.of(env, "nvml.h"))) return Path.of(env);
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path tools = d.resolve(".tools/nvml/include");
            if (Files.exists(tools.resolve("nvml.h"))) return tools;
            if (Files.isDirectory(d.resolve(".ci"))) break; // the repository's root: look no higher
        }
        return null;
    }

    /** Each symbol's first declaration in the header, under its own name or a macro alias of it. */
    private static void checkHeader(Path header, Map<String, List<String>> table, String callingMacro) throws IOException {
        String text = Files.readString(header);
        Map<String, String> aliasOf = new HashMap<>();
        Matcher define = Pattern.compile("(?m)^\\s*#define\\s+(\\w+)\\s+(\\w+)\\s*$").matcher(text);
        while (define.find()) aliasOf.putIfAbsent(define.group(2), define.group(1));
        for (var e : table.entrySet()) {
            String symbol = e.getKey();
            Matcher m = declaration(text, callingMacro, symbol);
            if (!m.find() && aliasOf.containsKey(symbol)) m = declaration(text, callingMacro, aliasOf.get(symbol));
            else m.reset();
            assertEquals(true, m.find(), symbol + " is not declared in " + header);
            List<String> types = new ArrayList<>();
            types.add(normal(m.group(1).replace(callingMacro, "")));
            String params = m.group(2).strip();
            if (!params.equals("void"))
                for (String p : params.split(",")) types.add(normal(p.strip().replaceAll("\\s*\\b\\w+$", "")));
            assertEquals(e.getValue(), types, symbol + " in " + header);
        }
    }

    private static Matcher declaration(String text, String callingMacro, String name) {
        // the calling-convention macro sits before the name, or inside the return type (const DECLDIR char*)
        return Pattern.compile("(?m)^\\s*((?:const\\s+)?(?:" + callingMacro + "\\s+)?\\w+\\s*\\**)\\s*(?:" + callingMacro
                + "\\s+)?" + name + "\\s*\\(([^)]*)\\)\\s*;").matcher(text);
    }

    private static String normal(String cType) {
        return cType.strip().replaceAll("\\s+", " ").replaceAll("\\s*\\*", "*");
    }

    private static List<String> argFileFunctions(Path args) throws IOException {
        return Files.readAllLines(args).stream().filter(l -> l.startsWith("--include-function "))
                .map(l -> l.substring("--include-function ".length()).strip()).sorted().toList();
    }
}
