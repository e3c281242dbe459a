package io.orion.client.bench;

import java.nio.charset.StandardCharsets;

import io.orion.api.backend.Dim3;

/**
 * A kernel whose duration is its work: every thread runs {@code iters} dependent FMAs and stores
 * the result (so nothing can be left out). Time-sliced with other contexts it takes longer in wall
 * time but does the same work, so kernels completed per second measure the GPU time a vGPU got.
 * Calibrated to a duration on the device when alone ({@link SpinCalibration}).
 */
public final class SpinKernel {
    public static final String NAME = "spin";

    public final Dim3 grid;
    public final Dim3 block;
    public final int threads;

    /** Four blocks of 256 per multiprocessor on a GPU; one warp on the host backend, whose interpreter is slow. */
    public SpinKernel(boolean host, int multiprocessors) {
        this.grid = host ? Dim3.of(1) : Dim3.of(4 * Math.max(1, multiprocessors));
        this.block = host ? Dim3.of(32) : Dim3.of(256);
        this.threads = grid.x() * block.x();
    }

    public static byte[] ptx() {
        return """
                .version 8.0
                .target sm_90
                .address_size 64

                .visible .entry spin(.param .u64 out, .param .u32 iters)
                {
                \t.reg .pred %p<2>;
                \t.reg .b32 %r<8>;
                \t.reg .f32 %f<4>;
                \t.reg .b64 %rd<5>;
                \tld.param.u64 %rd1, [out];
                \tld.param.u32 %r1, [iters];
                \tmov.u32 %r2, %tid.x;
                \tmov.u32 %r3, %ctaid.x;
                \tmov.u32 %r4, %ntid.x;
                \tmad.lo.u32 %r5, %r3, %r4, %r2;
                \tcvt.rn.f32.u32 %f1, %r5;
                \tmov.f32 %f2, 0f3F800000;
                \tmov.u32 %r6, 0;
                LOOP:
                \tsetp.ge.u32 %p1, %r6, %r1;
                \t@%p1 bra DONE;
                \tfma.rn.f32 %f1, %f1, 0f3F7FFFFE, %f2;
                \tadd.u32 %r6, %r6, 1;
                \tbra LOOP;
                DONE:
                \tcvta.to.global.u64 %rd2, %rd1;
                \tmul.wide.u32 %rd3, %r5, 4;
                \tadd.s64 %rd4, %rd2, %rd3;
                \tst.global.f32 [%rd4], %f1;
                \tret;
                }
                """.getBytes(StandardCharsets.US_ASCII);
    }
}
