package io.orion.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Modules, kernels and globals (docs/protocol.md §4.4). */
public final class ModuleCalls {
    private ModuleCalls() {}

    /** Loads a PTX text, cubin or fat binary; the server recognises which by content. Result: a module handle. */
    public record ModuleLoad(int device, ByteBuffer image) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.MODULE_LOAD; }

        public static ModuleLoad read(PayloadReader r) {
            int d = DeviceRequest.readDevice(r);
            ByteBuffer image = r.rest("image");
            if (!image.hasRemaining()) throw r.bad("image", "empty module image");
            return new ModuleLoad(d, image);
        }

        @Override public void write(PayloadWriter w) { w.u16(device); }

        @Override public ByteBuffer tail() { return image; }
    }

    public record ModuleUnload(int device, long module) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.MODULE_UNLOAD; }

        public static ModuleUnload read(PayloadReader r) {
            ModuleUnload m = new ModuleUnload(DeviceRequest.readDevice(r), r.u64("module"));
            r.end();
            return m;
        }

        @Override public void write(PayloadWriter w) { w.u16(device).u64(module); }
    }

    /** A kernel by name. Result: {@link FunctionInfo}, which the client caches. */
    public record FunctionGet(int device, long module, String name) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.FUNCTION_GET; }

        public static FunctionGet read(PayloadReader r) {
            int d = DeviceRequest.readDevice(r);
            long module = r.u64("module");
            String name = r.str("name");
            if (name.isEmpty()) throw r.bad("name", "empty kernel name");
            r.end();
            return new FunctionGet(d, module, name);
        }

        @Override public void write(PayloadWriter w) { w.u16(device).u64(module).str(name); }
    }

    /** Where one kernel parameter lives in the packed argument buffer. */
    public record Param(int offset, int size) {}

    /** A kernel handle and its parameter layout ({@code cuFuncGetParamInfo}). */
    public record FunctionInfo(long handle, List<Param> params) implements Result {
        public FunctionInfo {
            params = List.copyOf(params);
        }

        /** Bytes of the packed arguments a launch must send. */
        public int argumentBytes() {
            int end = 0;
            for (Param p : params) end = Math.max(end, p.offset() + p.size());
            return end;
        }

        public static FunctionInfo read(PayloadReader r) {
            long h = r.u64("handle");
            if (h == 0) throw r.bad("handle", "0 is not a valid handle");
            int n = r.u16("paramCount");
            List<Param> ps = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int off = r.u32("params[" + i + "].offset", Wire.MAX_PARAMS);
                int size = r.u32("params[" + i + "].size", Wire.MAX_PARAMS);
                if (size == 0 || off + size > Wire.MAX_PARAMS)
                    throw r.bad("params[" + i + "]", "parameter [" + off + ", +" + size + ") is outside the "
                            + Wire.MAX_PARAMS + "-byte parameter space");
                ps.add(new Param(off, size));
            }
            r.end();
            return new FunctionInfo(h, ps);
        }

        @Override public void write(PayloadWriter w) {
            w.u64(handle).u16(params.size());
            for (Param p : params) w.u32(p.offset()).u32(p.size());
        }
    }

    /** A module-scope {@code __device__} variable by name. Result: {@link SymbolInfo}. */
    public record GlobalGet(int device, long module, String name) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.GLOBAL_GET; }

        public static GlobalGet read(PayloadReader r) {
            int d = DeviceRequest.readDevice(r);
            long module = r.u64("module");
            String name = r.str("name");
            if (name.isEmpty()) throw r.bad("name", "empty variable name");
            r.end();
            return new GlobalGet(d, module, name);
        }

        @Override public void write(PayloadWriter w) { w.u16(device).u64(module).str(name); }
    }

    public record SymbolInfo(long address, long size) implements Result {
        public static SymbolInfo read(PayloadReader r) {
            SymbolInfo s = new SymbolInfo(r.u64("address"), r.size("size"));
            r.end();
            return s;
        }

        @Override public void write(PayloadWriter w) { w.u64(address).u64(size); }
    }

    /** {@code cuFuncGetAttribute} for a kernel. Result: {@link Attributes}. */
    public record FunctionAttrs(int device, long function) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.FUNCTION_ATTRIBUTES; }

        public static FunctionAttrs read(PayloadReader r) {
            FunctionAttrs m = new FunctionAttrs(DeviceRequest.readDevice(r), r.u64("function"));
            r.end();
            return m;
        }

        @Override public void write(PayloadWriter w) { w.u16(device).u64(function); }
    }

    public record Attributes(int maxThreadsPerBlock, int sharedSizeBytes, int constSizeBytes, int localSizeBytes,
                             int numRegs, int ptxVersion, int binaryVersion, int maxDynamicSharedSizeBytes) implements Result {
        public static Attributes read(PayloadReader r) {
            Attributes a = new Attributes(r.i32("maxThreadsPerBlock"), r.i32("sharedSizeBytes"), r.i32("constSizeBytes"),
                    r.i32("localSizeBytes"), r.i32("numRegs"), r.i32("ptxVersion"), r.i32("binaryVersion"),
                    r.i32("maxDynamicSharedSizeBytes"));
            r.end();
            return a;
        }

        @Override public void write(PayloadWriter w) {
            w.i32(maxThreadsPerBlock).i32(sharedSizeBytes).i32(constSizeBytes).i32(localSizeBytes).i32(numRegs)
                    .i32(ptxVersion).i32(binaryVersion).i32(maxDynamicSharedSizeBytes);
        }
    }

    /** Blocks of {@code blockSize} threads that fit on one multiprocessor. Result: {@link Results.Count}. */
    public record Occupancy(int device, long function, int blockSize, long dynamicSharedBytes) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.OCCUPANCY; }

        public static Occupancy read(PayloadReader r) {
            int d = DeviceRequest.readDevice(r);
            long f = r.u64("function");
            int block = r.u32("blockSize", Integer.MAX_VALUE);
            if (block == 0) throw r.bad("blockSize", "must be >= 1");
            Occupancy m = new Occupancy(d, f, block, r.size("dynamicSharedBytes"));
            r.end();
            return m;
        }

        @Override public void write(PayloadWriter w) { w.u16(device).u64(function).u32(blockSize).u64(dynamicSharedBytes); }
    }
}
