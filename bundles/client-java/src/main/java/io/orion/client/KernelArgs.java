package io.orion.client;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Packs a launch's arguments where the kernel's parameter layout puts them, checking each value's
 * size against its parameter: {@code kernel.args().ptr(a).ptr(b).i32(n)}.
 */
public final class KernelArgs {
    private final List<int[]> params; // {offset, size}
    private final ByteBuffer buf;
    private int next;

    /** @param params each parameter's {offset, size} */
    public KernelArgs(List<int[]> params, int bytes) {
        this.params = List.copyOf(params);
        this.buf = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private int slot(int size, String what) {
        if (next >= params.size())
            throw new IllegalArgumentException("the kernel takes " + params.size() + " parameters; " + what + " would be parameter " + (next + 1));
        int[] p = params.get(next);
        if (p[1] != size)
            throw new IllegalArgumentException("parameter " + next + " is " + p[1] + " bytes, " + what + " is " + size);
        next++;
        return p[0];
    }

    /** A device pointer. */
    public KernelArgs ptr(long address) { buf.putLong(slot(8, "a pointer"), address); return this; }

    public KernelArgs i64(long v) { buf.putLong(slot(8, "a long"), v); return this; }

    public KernelArgs i32(int v) { buf.putInt(slot(4, "an int"), v); return this; }

    public KernelArgs f32(float v) { buf.putFloat(slot(4, "a float"), v); return this; }

    public KernelArgs f64(double v) { buf.putDouble(slot(8, "a double"), v); return this; }

    /** Any parameter, as raw bytes (structs passed by value). */
    public KernelArgs bytes(byte[] v) {
        buf.put(slot(v.length, "a " + v.length + "-byte value"), v);
        return this;
    }

    /** The packed buffer; every parameter must have been given. */
    public ByteBuffer packed() {
        if (next != params.size())
            throw new IllegalArgumentException("the kernel takes " + params.size() + " parameters, " + next + " were given");
        return buf.duplicate().clear();
    }
}
