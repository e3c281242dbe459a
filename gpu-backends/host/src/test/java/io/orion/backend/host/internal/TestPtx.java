package io.orion.backend.host.internal;

/** Small hand-written kernels for the memory, stream and fault tests. */
final class TestPtx {
    private TestPtx() {}

    static final String HEADER = """
            .version 9.0
            .target sm_90
            .address_size 64
            """;

    /**
     * {@code spin(out, nanos, value)}: busy-waits {@code nanos} of %globaltimer, then writes value;
     * {@code wait_flag(flag, out, timeout)}: waits until *flag != 0 (out = 1) or the timeout (out = 0);
     * {@code set_flag(flag)}: *flag = 1;
     * {@code peek(ptr, out)}: *out = *(u32*)ptr, for illegal and misaligned addresses.
     */
    static final String STREAMS = HEADER + """
            .visible .entry spin(.param .u64 out, .param .u64 nanos, .param .u32 value)
            {
                .reg .pred %p<2>;
                .reg .b32 %r<2>;
                .reg .b64 %rd<6>;
                mov.u64 %rd1, %globaltimer;
                ld.param.u64 %rd2, [nanos];
                add.s64 %rd3, %rd1, %rd2;
            $WAIT:
                mov.u64 %rd4, %globaltimer;
                setp.lt.u64 %p1, %rd4, %rd3;
                @%p1 bra $WAIT;
                ld.param.u64 %rd5, [out];
                ld.param.u32 %r1, [value];
                st.global.u32 [%rd5], %r1;
                ret;
            }
            .visible .entry wait_flag(.param .u64 flag, .param .u64 out, .param .u64 timeout)
            {
                .reg .pred %p<3>;
                .reg .b32 %r<3>;
                .reg .b64 %rd<8>;
                ld.param.u64 %rd1, [flag];
                ld.param.u64 %rd2, [out];
                ld.param.u64 %rd3, [timeout];
                mov.u64 %rd4, %globaltimer;
                add.s64 %rd5, %rd4, %rd3;
                mov.u32 %r2, 0;
            $POLL:
                ld.volatile.global.u32 %r1, [%rd1];
                setp.ne.s32 %p1, %r1, 0;
                @%p1 bra $SEEN;
                mov.u64 %rd6, %globaltimer;
                setp.lt.u64 %p2, %rd6, %rd5;
                @%p2 bra $POLL;
                bra.uni $DONE;
            $SEEN:
                mov.u32 %r2, 1;
            $DONE:
                st.global.u32 [%rd2], %r2;
                ret;
            }
            .visible .entry set_flag(.param .u64 flag)
            {
                .reg .b32 %r<2>;
                .reg .b64 %rd<2>;
                ld.param.u64 %rd1, [flag];
                mov.u32 %r1, 1;
                st.volatile.global.u32 [%rd1], %r1;
                ret;
            }
            .visible .entry peek(.param .u64 ptr, .param .u64 out)
            {
                .reg .b32 %r<2>;
                .reg .b64 %rd<3>;
                ld.param.u64 %rd1, [ptr];
                ld.param.u64 %rd2, [out];
                ld.global.u32 %r1, [%rd1];
                st.global.u32 [%rd2], %r1;
                ret;
            }
            """;
}
