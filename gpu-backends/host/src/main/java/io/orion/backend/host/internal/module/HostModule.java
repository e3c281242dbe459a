package io.orion.backend.host.internal.module;

import java.util.LinkedHashMap;
import java.util.Map;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.DeviceSymbol;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuModule;
import io.orion.backend.host.internal.interp.DecodeException;
import io.orion.backend.host.internal.interp.KernelDecoder;
import io.orion.backend.host.internal.interp.Program;
import io.orion.backend.host.internal.memory.DeviceMemory;
import io.orion.backend.host.internal.ptx.Function;
import io.orion.backend.host.internal.ptx.Module;
import io.orion.backend.host.internal.ptx.PtxParser;
import io.orion.backend.host.internal.ptx.PtxSyntaxException;

/**
 * A loaded module: its parsed PTX, its global variables in device memory, and every kernel decoded
 * for the interpreter. A kernel the interpreter cannot run does not stop the module from loading
 * (its other kernels may be fine, as with a driver); launching that kernel reports why.
 */
public final class HostModule implements GpuModule {
    /** Newest PTX ISA this interpreter reads (9.x as nvcc 13 writes it). */
    public static final int MAX_PTX_VERSION = 99;

    private final Object owner;
    private final String origin;
    private final Module ptx;
    private final ModuleGlobals globals;
    private final Map<String, Object> kernels = new LinkedHashMap<>();
    private final Map<String, HostFunction> functions = new LinkedHashMap<>();

    private HostModule(Object owner, String origin, Module ptx, ModuleGlobals globals) {
        this.owner = owner;
        this.origin = origin;
        this.ptx = ptx;
        this.globals = globals;
    }

    /**
     * Loads a module image (PTX, fat binary) for a context.
     *
     * @param owner the context, so handles of other contexts are refused
     */
    public static HostModule load(Object owner, byte[] image, int deviceArch, DeviceMemory memory) {
        ModuleImage source = ModuleImage.of(image, deviceArch);
        Module module;
        try {
            module = PtxParser.parse(source.ptx());
        } catch (PtxSyntaxException e) {
            throw new GpuException(CudaError.INVALID_PTX, "cannot parse the " + source.origin() + ": " + e.getMessage());
        }
        if (module.version() > MAX_PTX_VERSION)
            throw new GpuException(CudaError.UNSUPPORTED_PTX_VERSION, "PTX ISA " + module.version() / 10 + "." + module.version() % 10
                    + " is newer than the host backend reads (up to 9.x)");
        if (module.addressSize() != 64)
            throw new GpuException(CudaError.NOT_SUPPORTED, "PTX with .address_size " + module.addressSize() + "; only 64-bit is supported");
        ModuleGlobals globals = ModuleGlobals.allocate(module, memory);
        HostModule m = new HostModule(owner, source.origin(), module, globals);
        Map<String, Long> addresses = globals.addresses();
        for (Function f : module.functions()) {
            if (!f.entry() || f.isPrototype()) continue;
            Object decoded;
            try {
                decoded = KernelDecoder.decode(module, f.name(), addresses);
            } catch (DecodeException e) {
                decoded = e;
            }
            m.kernels.put(f.name(), decoded);
            m.functions.put(f.name(), new HostFunction(m, f));
        }
        return m;
    }

    public boolean ownedBy(Object context) {
        return owner == context;
    }

    public String origin() {
        return origin;
    }

    public int ptxVersion() {
        return ptx.version();
    }

    public long constBytes() {
        return globals.constBytes();
    }

    /** A kernel; NOT_FOUND naming the kernels the module has. */
    public HostFunction function(String name) {
        HostFunction f = functions.get(name);
        if (f == null)
            throw new GpuException(CudaError.NOT_FOUND, "the module has no kernel '" + name + "' (it has " + functions.keySet() + ")");
        return f;
    }

    public DeviceSymbol global(String name) {
        DeviceSymbol s = globals.symbols().get(name);
        if (s == null)
            throw new GpuException(CudaError.NOT_FOUND, "the module has no global or constant variable '" + name + "' (it has "
                    + globals.symbols().keySet() + ")");
        return s;
    }

    /** The decoded kernel, or the reason it cannot run (an error of the launch). */
    Program program(String kernel) {
        Object k = kernels.get(kernel);
        if (k instanceof DecodeException e) throw new GpuException(e.error(), e.getMessage());
        return (Program) k;
    }

    /** The reason a kernel cannot run, or null when it can. */
    String problem(String kernel) {
        return kernels.get(kernel) instanceof DecodeException e ? e.getMessage() : null;
    }

    public void unload(DeviceMemory memory) {
        globals.free(memory);
    }
}
