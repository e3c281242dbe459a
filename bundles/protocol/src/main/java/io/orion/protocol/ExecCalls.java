package io.orion.protocol;

import java.nio.ByteBuffer;

/** Kernel launch (docs/protocol.md §4.5). */
public final class ExecCalls {
    private ExecCalls() {}

    /** A grid or block shape; every dimension at least 1. */
    public record Dim(int x, int y, int z) {
        public Dim {
            if (x < 1 || y < 1 || z < 1)
                throw new IllegalArgumentException("dimensions must be >= 1, was (" + x + "," + y + "," + z + ")");
        }

        static Dim read(PayloadReader r, String field) {
            int x = r.u32(field + ".x", Integer.MAX_VALUE), y = r.u32(field + ".y", Integer.MAX_VALUE),
                    z = r.u32(field + ".z", Integer.MAX_VALUE);
            if (x < 1 || y < 1 || z < 1) throw r.bad(field, "dimensions must be >= 1, was (" + x + "," + y + "," + z + ")");
            return new Dim(x, y, z);
        }

        void write(PayloadWriter w) { w.u32(x).u32(y).u32(z); }
    }

    /**
     * Queues a kernel. {@code args} is the packed parameter buffer laid out as the function's
     * {@link ModuleCalls.FunctionInfo} says; its length must equal {@code argumentBytes()}.
     */
    public record Launch(int device, long function, Dim grid, Dim block, int sharedBytes, long stream,
                         ByteBuffer args) implements DeviceRequest {
        @Override public MessageType type() { return MessageType.LAUNCH; }

        public static Launch read(PayloadReader r) {
            int d = DeviceRequest.readDevice(r);
            long f = r.u64("function");
            Dim grid = Dim.read(r, "grid"), block = Dim.read(r, "block");
            int shared = r.u32("sharedBytes", Integer.MAX_VALUE);
            long stream = r.u64("stream");
            ByteBuffer args = r.rest("args");
            if (args.remaining() > Wire.MAX_PARAMS)
                throw r.bad("args", args.remaining() + " bytes exceed the " + Wire.MAX_PARAMS + "-byte parameter space");
            return new Launch(d, f, grid, block, shared, stream, args);
        }

        @Override public void write(PayloadWriter w) {
            w.u16(device).u64(function);
            grid.write(w);
            block.write(w);
            w.u32(sharedBytes).u64(stream);
        }

        @Override public ByteBuffer tail() { return args; }
    }
}
