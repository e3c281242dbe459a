package io.orion.backend.host.internal.interp;

import io.orion.api.backend.CudaError;

/**
 * Calls of the functions the CUDA runtime provides to device code and that PTX only declares:
 * {@code vprintf} (device {@code printf}) and {@code __assertfail} (device {@code assert}). The call
 * site stores the arguments into the function's parameter frame in local memory, as for any call.
 */
final class Builtin extends Insn {
    static final int VPRINTF = 0, ASSERTFAIL = 1;

    private final int kind;
    private final int[] paramOffsets;
    private final int returnOffset;

    /**
     * @param paramOffsets local-memory offsets of the parameters
     * @param returnOffset local-memory offset of the return value, or -1
     */
    Builtin(int kind, int[] paramOffsets, int returnOffset) {
        super(false);
        this.kind = kind;
        this.paramOffsets = paramOffsets;
        this.returnOffset = returnOffset;
    }

    /** The builtin a function name denotes, or -1. */
    static int of(String name) {
        return switch (name) {
            case "vprintf" -> VPRINTF;
            case "__assertfail" -> ASSERTFAIL;
            default -> -1;
        };
    }

    @Override
    void exec(Warp w, int mask) {
        for (int m = mask; m != 0; m &= m - 1) {
            int lane = Integer.numberOfTrailingZeros(m);
            if (kind == VPRINTF) {
                long format = w.load(Warp.LOCAL, paramOffsets[0], 8, false, lane);
                long args = w.load(Warp.LOCAL, paramOffsets[1], 8, false, lane);
                DevicePrintf.Result out = DevicePrintf.format(w, lane, format, args);
                w.block.launch.printf.accept(out.text());
                if (returnOffset >= 0) w.store(Warp.LOCAL, returnOffset, 4, out.arguments(), lane);
            } else {
                String message = DevicePrintf.string(w, lane, w.load(Warp.LOCAL, paramOffsets[0], 8, false, lane));
                String file = DevicePrintf.string(w, lane, w.load(Warp.LOCAL, paramOffsets[1], 8, false, lane));
                long line = w.load(Warp.LOCAL, paramOffsets[2], 4, false, lane);
                String function = DevicePrintf.string(w, lane, w.load(Warp.LOCAL, paramOffsets[3], 8, false, lane));
                throw new KernelFault(CudaError.ASSERT, "device-side assert triggered: " + file + ":" + line + ": "
                        + function + ": block (" + w.block.ctaX + "," + w.block.ctaY + "," + w.block.ctaZ
                        + "), thread " + w.thread(lane) + ": Assertion `" + message + "` failed.");
            }
        }
    }
}
