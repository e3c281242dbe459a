package io.orion.backend.host.internal;

import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuFunction;

/**
 * Runs a hand-written PTX body as kernel {@code t(.param .u64 in, .param .u64 out)} with registers
 * declared for it: %p0-15 (pred), %h0-15 (b16), %r0-63 (b32), %rd0-63 (b64), %f0-31 (f32),
 * %fd0-31 (f64); %in and %out hold the global pointers, %tid the thread's x index.
 */
final class PtxKernel {
    private PtxKernel() {}

    static String module(String body, String extra) {
        return TestPtx.HEADER + extra + """
                .visible .entry t(.param .u64 in, .param .u64 out)
                {
                    .reg .pred %p<16>;
                    .reg .b16 %h<16>;
                    .reg .b32 %r<64>;
                    .reg .b64 %rd<64>;
                    .reg .f32 %f<32>;
                    .reg .f64 %fd<32>;
                    .reg .b64 %in, %out;
                    .reg .b32 %tid;
                    ld.param.u64 %in, [in];
                    ld.param.u64 %out, [out];
                    mov.u32 %tid, %tid.x;
                """ + body + """
                    ret;
                }
                """;
    }

    /** Runs the body on {@code threads} threads of one block; returns {@code outWords} 64-bit words of out. */
    static long[] run(TestDevice dev, String body, long[] in, int threads, int outWords) {
        return run(dev, body, "", in, new Dim3(threads, 1, 1), outWords, 0);
    }

    static long[] run(TestDevice dev, String body, String extra, long[] in, Dim3 block, int outWords, int dynamicShared) {
        GpuFunction f = dev.ctx().function(dev.loadPtx(module(body, extra)), "t");
        long pin = dev.upload(in.length == 0 ? new long[1] : in);
        long pout = dev.upload(new long[outWords]);
        dev.ctx().launch(f, Dim3.of(1), block, dynamicShared, null, TestDevice.args(f, pin, pout));
        return dev.longs(pout, outWords);
    }
}
