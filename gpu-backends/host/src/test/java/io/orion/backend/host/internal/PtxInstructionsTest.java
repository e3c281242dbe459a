package io.orion.backend.host.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Random;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Instruction forms that nvcc emits rarely or never from C, written in PTX by hand. */
class PtxInstructionsTest {
    private TestDevice dev;
    private final Random random = new Random();

    @BeforeEach
    void open() {
        dev = new TestDevice();
    }

    @AfterEach
    void close() {
        dev.close();
    }

    @Test
    void carryChainsAddAndSubtract128BitNumbers() {
        String body = """
                ld.global.v4.u32 {%r1, %r2, %r3, %r4}, [%in];
                ld.global.v4.u32 {%r5, %r6, %r7, %r8}, [%in+16];
                add.cc.u32 %r9, %r1, %r5;
                addc.cc.u32 %r10, %r2, %r6;
                addc.cc.u32 %r11, %r3, %r7;
                addc.u32 %r12, %r4, %r8;
                st.global.v4.u32 [%out], {%r9, %r10, %r11, %r12};
                sub.cc.u32 %r13, %r1, %r5;
                subc.cc.u32 %r14, %r2, %r6;
                subc.cc.u32 %r15, %r3, %r7;
                subc.u32 %r16, %r4, %r8;
                st.global.v4.u32 [%out+16], {%r13, %r14, %r15, %r16};
                """;
        BigInteger mod = BigInteger.ONE.shiftLeft(128);
        for (int round = 0; round < 20; round++) {
            long[] in = {random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong()};
            if (round == 0) in = new long[] {-1, -1, 1, 0}; // carries through every word
            BigInteger a = unsigned128(in[0], in[1]), b = unsigned128(in[2], in[3]);
            long[] out = PtxKernel.run(dev, body, in, 1, 4);
            assertEquals(a.add(b).mod(mod), unsigned128(out[0], out[1]), "sum");
            assertEquals(a.subtract(b).mod(mod), unsigned128(out[2], out[3]), "difference");
        }
    }

    private static BigInteger unsigned128(long low, long high) {
        return new BigInteger(Long.toUnsignedString(high)).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(low)));
    }

    /** bfe by the PTX definition: bits [pos, pos+len) of a, sign-extended from the field's top bit for .s32. */
    static int bfe(int a, int pos, int len, boolean signed) {
        pos &= 0xff;
        len &= 0xff;
        long value = a & 0xffff_ffffL;
        int out = 0;
        int top = Math.min(pos + len, 32) - 1;
        boolean sign = signed && len > 0 && top >= 0 && ((value >>> Math.min(top, 31)) & 1) == 1;
        if (signed && pos >= 32 && len > 0) sign = a < 0;
        for (int i = 0; i < 32; i++) {
            boolean bit = i < len && pos + i < 32 ? ((value >>> (pos + i)) & 1) == 1 : sign;
            if (bit) out |= 1 << i;
        }
        return len == 0 ? 0 : out;
    }

    @Test
    void bitFieldExtractAndInsert() {
        String body = """
                ld.global.u32 %r1, [%in];
                ld.global.u32 %r2, [%in+8];
                ld.global.u32 %r3, [%in+16];
                ld.global.u32 %r4, [%in+24];
                bfe.u32 %r5, %r1, %r2, %r3;
                bfe.s32 %r6, %r1, %r2, %r3;
                bfi.b32 %r7, %r4, %r1, %r2, %r3;
                st.global.u32 [%out], %r5;
                st.global.u32 [%out+8], %r6;
                st.global.u32 [%out+16], %r7;
                """;
        for (int round = 0; round < 40; round++) {
            int a = random.nextInt(), pos = random.nextInt(40), len = random.nextInt(40), b = random.nextInt();
            long[] out = PtxKernel.run(dev, body, new long[] {a, pos, len, b}, 1, 3);
            assertEquals(bfe(a, pos, len, false), (int) out[0], "bfe.u32 " + a + " " + pos + " " + len);
            assertEquals(bfe(a, pos, len, true), (int) out[1], "bfe.s32 " + a + " " + pos + " " + len);
            int inserted = a;
            for (int i = 0; i < len && pos + i < 32; i++) inserted = (inserted & ~(1 << (pos + i))) | (((b >>> i) & 1) << (pos + i));
            assertEquals(inserted, (int) out[2], "bfi " + a + " " + b + " " + pos + " " + len);
        }
    }

    @Test
    void lop3EvaluatesItsTruthTable() {
        int[] tables = {0x96, 0xe8, 0xf0, 0xcc, 0xaa, 0x01, 0xfe, 0x6a};
        for (int lut : tables) {
            String body = """
                    ld.global.u32 %r1, [%in];
                    ld.global.u32 %r2, [%in+8];
                    ld.global.u32 %r3, [%in+16];
                    lop3.b32 %r4, %r1, %r2, %r3, LUT;
                    st.global.u32 [%out], %r4;
                    """.replace("LUT", Integer.toString(lut));
            int a = random.nextInt(), b = random.nextInt(), c = random.nextInt();
            int want = 0;
            for (int bit = 0; bit < 32; bit++) {
                int index = ((a >>> bit) & 1) << 2 | ((b >>> bit) & 1) << 1 | ((c >>> bit) & 1);
                want |= ((lut >>> index) & 1) << bit;
            }
            assertEquals(want, (int) PtxKernel.run(dev, body, new long[] {a, b, c}, 1, 1)[0], "lut 0x" + Integer.toHexString(lut));
        }
    }

    @Test
    void miscellaneousIntegerInstructions() {
        String body = """
                ld.global.u32 %r1, [%in];
                ld.global.u32 %r2, [%in+8];
                ld.global.u64 %rd1, [%in+16];
                prmt.b32 %r3, %r1, %r2, 0x8f40;
                bfind.u32 %r4, %r1;
                bfind.s32 %r5, %r1;
                bfind.shiftamt.u32 %r6, %r1;
                clz.b64 %r7, %rd1;
                popc.b64 %r8, %rd1;
                brev.b64 %rd2, %rd1;
                cnot.b32 %r9, %r1;
                mul24.hi.u32 %r10, %r1, %r2;
                dp4a.u32.s32 %r11, %r1, %r2, 7;
                shf.l.clamp.b32 %r12, %r1, %r2, 40;
                shf.r.clamp.b32 %r13, %r1, %r2, 40;
                div.u32 %r14, %r1, 0;
                mul.hi.u64 %rd3, %rd1, %rd1;
                mad.wide.s32 %rd4, %r1, %r2, %rd1;
                st.global.v4.u32 [%out], {%r3, %r4, %r5, %r6};
                st.global.v4.u32 [%out+16], {%r7, %r8, %r9, %r10};
                st.global.v4.u32 [%out+32], {%r11, %r12, %r13, %r14};
                st.global.u64 [%out+48], %rd2;
                st.global.u64 [%out+56], %rd3;
                st.global.u64 [%out+64], %rd4;
                """;
        for (int round = 0; round < 20; round++) {
            int a = round == 0 ? -1 : round == 1 ? 0 : random.nextInt(), b = random.nextInt();
            long c = random.nextLong() >>> random.nextInt(64);
            long[] out = PtxKernel.run(dev, body, new long[] {a, b, c}, 1, 9);
            long bytes = ((b & 0xffff_ffffL) << 32) | (a & 0xffff_ffffL);
            int[] sel = {0x0, 0x4, 0xf, 0x8};
            int perm = 0;
            for (int i = 0; i < 4; i++) {
                int v = (int) (bytes >>> (8 * (sel[i] & 7))) & 0xff;
                if ((sel[i] & 8) != 0) v = (v & 0x80) != 0 ? 0xff : 0;
                perm |= v << (8 * i);
            }
            int msb = a == 0 ? -1 : 31 - Integer.numberOfLeadingZeros(a);
            int msbSigned = (a < 0 ? ~a : a) == 0 ? -1 : 31 - Integer.numberOfLeadingZeros(a < 0 ? ~a : a);
            int dp = 7;
            for (int i = 0; i < 4; i++) dp += ((a >>> (8 * i)) & 0xff) * (byte) (b >>> (8 * i));
            // shf with the shift clamped to 32: left leaves the low word a on top, right leaves the high word b.
            int[] want = {perm, msb, msbSigned, a == 0 ? -1 : 31 - msb, Long.numberOfLeadingZeros(c), Long.bitCount(c), a == 0 ? 1 : 0,
                (int) (((a & 0xffffffL) * (b & 0xffffffL)) >>> 16), dp, a, b, -1};
            for (int i = 0; i < 12; i++) assertEquals(want[i], (int) (out[i / 2] >>> (32 * (i % 2))), "result " + i + " for a=" + a + " b=" + b);
            assertEquals(Long.reverse(c), out[6], "brev.b64");
            assertEquals(Math.unsignedMultiplyHigh(c, c), out[7], "mul.hi.u64");
            assertEquals((long) a * b + c, out[8], "mad.wide.s32");
        }
    }

    @Test
    void comparisonsSelectionAndPredicateLogic() {
        String body = """
                ld.global.f32 %f1, [%in];
                ld.global.f32 %f2, [%in+8];
                ld.global.u32 %r1, [%in+16];
                setp.lt.and.f32 %p1|%p2, %f1, %f2, 1;
                setp.gtu.or.f32 %p3, %f1, %f2, %p1;
                setp.num.f32 %p4, %f1, %f2;
                setp.lo.u32 %p5, %r1, 10;
                xor.pred %p6, %p4, %p5;
                not.pred %p7, %p6;
                selp.u32 %r2, 1, 0, %p1;
                selp.u32 %r3, 1, 0, %p2;
                selp.u32 %r4, 1, 0, %p3;
                selp.u32 %r5, 1, 0, %p7;
                set.ge.u32.f32 %r6, %f1, %f2;
                set.eq.f32.s32 %f3, %r1, 3;
                slct.f32.s32 %f4, %f1, %f2, %r1;
                testp.notanumber.f32 %p8, %f1;
                testp.infinite.f32 %p9, %f2;
                selp.u32 %r7, 1, 0, %p8;
                selp.u32 %r8, 1, 0, %p9;
                min.NaN.f32 %f5, %f1, %f2;
                max.f32 %f6, %f1, %f2;
                copysign.f32 %f7, %f1, %f2;
                st.global.v4.u32 [%out], {%r2, %r3, %r4, %r5};
                st.global.v4.u32 [%out+16], {%r6, %r7, %r8, %r1};
                st.global.v4.f32 [%out+32], {%f3, %f4, %f5, %f6};
                st.global.f32 [%out+48], %f7;
                """;
        float[][] cases = {{1, 2}, {2, 1}, {Float.NaN, 1}, {1, Float.POSITIVE_INFINITY}, {-3, -3}};
        for (float[] c : cases) {
            for (int r : new int[] {3, -4, 12}) {
                long[] out = PtxKernel.run(dev, body, new long[] {Float.floatToRawIntBits(c[0]), Float.floatToRawIntBits(c[1]), r}, 1, 7);
                float x = c[0], y = c[1];
                boolean lt = x < y, nan = Float.isNaN(x) || Float.isNaN(y);
                boolean p1 = lt, p2 = !lt, p3 = (nan || x > y) || p1, p4 = !nan, p5 = Integer.compareUnsigned(r, 10) < 0;
                int[] words = {p1 ? 1 : 0, p2 ? 1 : 0, p3 ? 1 : 0, (p4 ^ p5) ? 0 : 1, !nan && x >= y ? -1 : 0,
                    Float.isNaN(x) ? 1 : 0, Float.isInfinite(y) ? 1 : 0, r};
                for (int i = 0; i < 8; i++) assertEquals(words[i], (int) (out[i / 2] >>> (32 * (i % 2))), "word " + i + " for " + x + "," + y + "," + r);
                float[] floats = {r == 3 ? 1f : 0f, r >= 0 ? x : y, nan ? Float.NaN : Math.min(x, y),
                    Float.isNaN(x) ? y : Float.isNaN(y) ? x : Math.max(x, y), Math.copySign(y, x)};
                for (int i = 0; i < 5; i++) {
                    float got = Float.intBitsToFloat((int) (out[4 + i / 2] >>> (32 * (i % 2))));
                    assertEquals(Float.floatToIntBits(floats[i]), Float.floatToIntBits(got), "float " + i + " for " + x + "," + y);
                }
            }
        }
    }

    @Test
    void conversionsWithSaturationAndHalfPrecisionArithmetic() {
        String body = """
                ld.global.u32 %r1, [%in];
                ld.global.f32 %f1, [%in+8];
                cvt.sat.s8.s32 %r2, %r1;
                cvt.sat.u16.s32 %r3, %r1;
                cvt.rni.f32.f32 %f2, %f1;
                cvt.sat.f32.f32 %f3, %f1;
                cvt.rn.bf16.f32 %h1, %f1;
                cvt.f32.bf16 %f4, %h1;
                cvt.rn.f16.f32 %h2, %f1;
                add.f16 %h3, %h2, %h2;
                mul.f16 %h4, %h3, %h2;
                mov.b32 %r4, {%h2, %h3};
                fma.rn.f16x2 %r5, %r4, %r4, %r4;
                mov.b32 {%h5, %h6}, %r5;
                cvt.f32.f16 %f5, %h4;
                cvt.f32.f16 %f6, %h5;
                cvt.f32.f16 %f7, %h6;
                st.global.v2.u32 [%out], {%r2, %r3};
                st.global.v4.f32 [%out+16], {%f2, %f3, %f4, %f5};
                st.global.v2.f32 [%out+32], {%f6, %f7};
                """;
        int[] ints = {-1000, 77, 70000, -5};
        float[] floats = {2.5f, -0.3f, 1.75f, 3.1415927f};
        for (int k = 0; k < 4; k++) {
            long[] out = PtxKernel.run(dev, body, new long[] {ints[k], Float.floatToRawIntBits(floats[k])}, 1, 5);
            int i = ints[k];
            float f = floats[k];
            assertEquals(Math.max(-128, Math.min(127, i)), (int) out[0], "cvt.sat.s8");
            assertEquals(Math.max(0, Math.min(65535, i)), (int) (out[0] >>> 32), "cvt.sat.u16");
            float h = Float.float16ToFloat(Float.floatToFloat16(f));
            float twice = Float.float16ToFloat(Float.floatToFloat16(h + h));
            float[] want = {(float) Math.rint(f), Math.max(0, Math.min(1, f)),
                Float.intBitsToFloat(Float.floatToRawIntBits(f) + 0x7fff + ((Float.floatToRawIntBits(f) >>> 16) & 1) & 0xffff0000),
                Float.float16ToFloat(Float.floatToFloat16(twice * h)),
                Float.float16ToFloat(Float.floatToFloat16((float) Math.fma((double) h, h, h))),
                Float.float16ToFloat(Float.floatToFloat16((float) Math.fma((double) twice, twice, twice)))};
            for (int w = 0; w < 6; w++) {
                float got = Float.intBitsToFloat((int) (out[2 + w / 2] >>> (32 * (w % 2))));
                assertEquals(want[w], got, 0f, "value " + w + " for " + f);
            }
        }
    }

    @Test
    void approximateFunctionsAreAtLeastAsAccurateAsTheGpu() {
        String body = """
                ld.global.f32 %f1, [%in];
                ex2.approx.f32 %f2, %f1;
                lg2.approx.ftz.f32 %f3, %f2;
                sin.approx.f32 %f4, %f1;
                cos.approx.f32 %f5, %f1;
                rsqrt.approx.f32 %f6, %f2;
                tanh.approx.f32 %f7, %f1;
                rcp.approx.ftz.f32 %f8, %f2;
                st.global.v4.f32 [%out], {%f2, %f3, %f4, %f5};
                st.global.v4.f32 [%out+16], {%f6, %f7, %f8, %f1};
                """;
        for (int round = 0; round < 20; round++) {
            float x = random.nextFloat() * 10 - 5;
            long[] out = PtxKernel.run(dev, body, new long[] {Float.floatToRawIntBits(x)}, 1, 4);
            double e = Math.pow(2, x);
            double[] want = {e, x, Math.sin(x), Math.cos(x), 1 / Math.sqrt(e), Math.tanh(x), 1 / e};
            for (int i = 0; i < want.length; i++) {
                float got = Float.intBitsToFloat((int) (out[i / 2] >>> (32 * (i % 2))));
                assertEquals(want[i], got, Math.max(Math.ulp((float) want[i]) * 2, 1e-6), "function " + i + " of " + x);
            }
        }
    }

    @Test
    void approximateSquareRootAndItsFlushToZeroForm() {
        String body = """
                ld.global.f32 %f1, [%in];
                sqrt.approx.f32 %f2, %f1;
                sqrt.approx.ftz.f32 %f3, %f1;
                st.global.v2.f32 [%out], {%f2, %f3};
                """;
        for (int round = 0; round < 40; round++) {
            // Magnitudes from 2^-100 to 2^100: sqrt.approx.f32's relative error is at most 2^-23 on the GPU.
            float x = (float) Math.scalb(1 + random.nextDouble(), random.nextInt(200) - 100);
            float[] got = sqrtApprox(body, x);
            double want = Math.sqrt(x);
            assertEquals(want, got[0], want * 0x1p-23, "sqrt.approx.f32 of " + x);
            assertEquals(want, got[1], want * 0x1p-23, "sqrt.approx.ftz.f32 of " + x);
        }
        float subnormal = 0x1p-140f;
        assertArrayEquals(new float[] {0x1p-70f, 0f}, sqrtApprox(body, subnormal), "a subnormal input: .ftz flushes it to +0");
        assertArrayEquals(new float[] {-0f, -0f}, sqrtApprox(body, -0f), "sqrt(-0) is -0");
        assertArrayEquals(new float[] {Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY}, sqrtApprox(body, Float.POSITIVE_INFINITY));
        float[] negative = sqrtApprox(body, -4f);
        assertTrue(Float.isNaN(negative[0]) && Float.isNaN(negative[1]), "sqrt of a negative number is NaN: " + negative[0]);
    }

    private float[] sqrtApprox(String body, float x) {
        long out = PtxKernel.run(dev, body, new long[] {Float.floatToRawIntBits(x)}, 1, 1)[0];
        return new float[] {Float.intBitsToFloat((int) out), Float.intBitsToFloat((int) (out >>> 32))};
    }

    @Test
    void genericAddressesReachEverySpace() {
        String extra = ".global .align 8 .u64 counter = 40;\n";
        String body = """
                .shared .align 8 .b8 buf[64];
                .local .align 8 .b8 scratch[16];
                mov.u64 %rd1, buf;
                cvta.shared.u64 %rd2, %rd1;
                mov.u64 %rd3, scratch;
                cvta.local.u64 %rd4, %rd3;
                mov.u64 %rd5, counter;
                cvta.global.u64 %rd6, %rd5;
                st.u64 [%rd2+8], 11;
                st.u64 [%rd4], 22;
                atom.add.u64 %rd7, [%rd6], 2;
                atom.add.u64 %rd8, [%rd2+8], 5;
                ld.shared.u64 %rd9, [buf+8];
                ld.local.u64 %rd10, [scratch];
                ld.u64 %rd11, [%rd6];
                isspacep.shared %p1, %rd2;
                isspacep.local %p2, %rd4;
                isspacep.global %p3, %rd6;
                isspacep.shared %p4, %rd6;
                selp.u64 %rd12, 1, 0, %p1;
                selp.u64 %rd13, 2, 0, %p2;
                selp.u64 %rd14, 4, 0, %p3;
                selp.u64 %rd15, 8, 0, %p4;
                add.u64 %rd12, %rd12, %rd13;
                add.u64 %rd12, %rd12, %rd14;
                add.u64 %rd12, %rd12, %rd15;
                cvta.to.shared.u64 %rd16, %rd2;
                sub.u64 %rd17, %rd16, %rd1;
                st.global.v2.u64 [%out], {%rd7, %rd8};
                st.global.v2.u64 [%out+16], {%rd9, %rd10};
                st.global.v2.u64 [%out+32], {%rd11, %rd12};
                st.global.u64 [%out+48], %rd17;
                """;
        long[] out = PtxKernel.run(dev, body, extra, new long[0], Dim3.of(1), 7, 0);
        assertArrayEquals(new long[] {40, 11, 16, 22, 42, 7, 0}, out);
    }

    @Test
    void specialRegistersDescribeTheThread() {
        String body = """
                mov.u32 %r1, %laneid;
                mov.u32 %r2, %warpid;
                mov.u32 %r3, %ntid.y;
                mov.u32 %r4, %tid.y;
                mov.u32 %r5, %lanemask_lt;
                mov.u32 %r6, %dynamic_smem_size;
                mov.u32 %r7, %smid;
                mov.u32 %r8, %nsmid;
                mov.u32 %r9, %tid.x;
                mad.lo.u32 %r10, %r4, 16, %r9;
                mul.wide.u32 %rd1, %r10, 32;
                add.s64 %rd2, %out, %rd1;
                st.global.v4.u32 [%rd2], {%r1, %r2, %r3, %r4};
                st.global.v4.u32 [%rd2+16], {%r5, %r6, %r7, %r8};
                """;
        long[] out = PtxKernel.run(dev, body, "", new long[0], new Dim3(16, 4, 1), 64 * 4, 96);
        for (int t = 0; t < 64; t++) {
            int lane = t % 32;
            long[] want = {lane | (long) (t / 32) << 32, 4 | (long) (t / 16) << 32, ((1L << lane) - 1) | 96L << 32};
            for (int w = 0; w < 3; w++) assertEquals(want[w], out[t * 4 + w], "thread " + t + " word " + w);
            int smid = (int) out[t * 4 + 3], nsm = (int) (out[t * 4 + 3] >>> 32);
            assertTrue(smid >= 0 && smid < nsm && nsm == 2, "smid " + smid + " of " + nsm);
        }
    }

    @Test
    void namedBarriersWithCountsAndReductions() {
        // Warp 0 produces into shared memory and arrives at barrier 1; warp 1 waits there, then reads.
        String body = """
                .shared .align 4 .b8 slots[128];
                mov.u32 %r1, slots;
                shl.b32 %r2, %tid, 2;
                add.u32 %r3, %r1, %r2;
                setp.ge.u32 %p1, %tid, 32;
                @%p1 bra $CONSUMER;
                mul.lo.u32 %r4, %tid, 3;
                st.shared.u32 [%r3], %r4;
                bar.arrive 1, 64;
                bra.uni $REDUCE;
            $CONSUMER:
                bar.sync 1, 64;
                sub.u32 %r5, %r3, 128;
                ld.shared.u32 %r4, [%r5];
            $REDUCE:
                and.b32 %r6, %tid, 1;
                setp.eq.u32 %p2, %r6, 1;
                bar.red.popc.u32 %r7, 2, %p2;
                bar.red.and.pred %p3, 3, %p2;
                bar.red.or.pred %p4, 4, %p2;
                selp.u32 %r8, 1, 0, %p3;
                selp.u32 %r9, 1, 0, %p4;
                mul.wide.u32 %rd1, %tid, 16;
                add.s64 %rd2, %out, %rd1;
                st.global.v4.u32 [%rd2], {%r4, %r7, %r8, %r9};
                """;
        long[] out = PtxKernel.run(dev, body, new long[0], 64, 128);
        for (int t = 0; t < 64; t++) {
            assertEquals((t % 32) * 3, (int) out[2 * t], "value seen by thread " + t);
            assertEquals(32, (int) (out[2 * t] >>> 32), "popc");
            assertEquals(0, (int) out[2 * t + 1], "and");
            assertEquals(1, (int) (out[2 * t + 1] >>> 32), "or");
        }
    }

    @Test
    void aBarrierThatCanNeverCompleteIsReportedNotHung() {
        String body = """
                setp.ge.u32 %p1, %tid, 32;
                @%p1 bra $SKIP;
                bar.sync 0, 64;
            $SKIP:
                bar.sync 1, 64;
                """;
        GpuException e = assertThrows(GpuException.class, () -> PtxKernel.run(dev, body, new long[0], 64, 1));
        assertEquals(CudaError.LAUNCH_FAILED, e.error());
        assertTrue(e.getMessage().contains("deadlock"), e.getMessage());
    }

    @Test
    void warpsReconvergeBeforeAShuffleEvenAfterADivergentCall() {
        // Odd lanes call a function laid out after the kernel; the shuffle after the if must see all 32 lanes.
        String extra = """
                .func (.param .b32 ret) triple(.param .b32 x)
                {
                    .reg .b32 %a<3>;
                    ld.param.b32 %a1, [x];
                    mul.lo.s32 %a2, %a1, 3;
                    st.param.b32 [ret], %a2;
                    ret;
                }
                """;
        String body = """
                mov.u32 %r1, %tid;
                and.b32 %r2, %tid, 1;
                setp.eq.u32 %p1, %r2, 0;
                @%p1 bra $JOIN;
                {
                    .param .b32 arg;
                    .param .b32 res;
                    st.param.b32 [arg], %tid;
                    call.uni (res), triple, (arg);
                    ld.param.b32 %r1, [res];
                }
            $JOIN:
                shfl.sync.bfly.b32 %r3|%p2, %r1, 1, 31, -1;
                activemask.b32 %r4;
                vote.sync.uni.pred %p3, %p2, -1;
                selp.u32 %r5, 1, 0, %p3;
                elect.sync %r6|%p4, -1;
                selp.u32 %r7, 1, 0, %p4;
                mul.wide.u32 %rd1, %tid, 16;
                add.s64 %rd2, %out, %rd1;
                st.global.v4.u32 [%rd2], {%r3, %r4, %r5, %r7};
                """;
        long[] out = PtxKernel.run(dev, body, extra, new long[0], Dim3.of(32), 64, 0);
        for (int t = 0; t < 32; t++) {
            int partner = t ^ 1;
            int partnerValue = (partner & 1) == 1 ? partner * 3 : partner;
            assertEquals(partnerValue, (int) out[2 * t], "shuffle for lane " + t);
            assertEquals(-1, (int) (out[2 * t] >>> 32), "all lanes active again");
            assertEquals(1, (int) out[2 * t + 1], "vote.uni");
            assertEquals(t == 0 ? 1 : 0, (int) (out[2 * t + 1] >>> 32), "elect");
        }
    }

    @Test
    void asyncCopiesLandInSharedMemory() {
        String body = """
                .shared .align 16 .b8 tile[64];
                mov.u32 %r1, tile;
                shl.b32 %r2, %tid, 4;
                add.u32 %r3, %r1, %r2;
                cvt.u64.u32 %rd1, %r2;
                add.s64 %rd2, %in, %rd1;
                cp.async.ca.shared.global [%r3], [%rd2], 16;
                cp.async.commit_group;
                cp.async.wait_group 0;
                bar.sync 0;
                xor.b32 %r4, %r2, 16;
                add.u32 %r5, %r1, %r4;
                ld.shared.v2.u64 {%rd3, %rd4}, [%r5];
                cvt.u64.u32 %rd5, %r2;
                add.s64 %rd6, %out, %rd5;
                st.global.v2.u64 [%rd6], {%rd3, %rd4};
                """;
        long[] in = {1, 2, 3, 4, 5, 6, 7, 8};
        assertArrayEquals(new long[] {3, 4, 1, 2, 7, 8, 5, 6}, PtxKernel.run(dev, body, in, 4, 8));
    }

    @Test
    void reductionsAndSixtyFourBitCompareAndSwap() {
        String body = """
                .shared .align 8 .b8 cell[8];
                setp.ne.u32 %p1, %tid, 0;
                @%p1 bra $GO;
                st.shared.u32 [cell], -5;
            $GO:
                bar.sync 0;
                red.global.add.u32 [%in], 2;
                red.shared.max.s32 [cell], %tid;
                cvt.u64.u32 %rd1, %tid;
                atom.global.cas.b64 %rd2, [%in+8], %rd1, 1000;
                atom.global.exch.b64 %rd3, [%in+16], %rd1;
                red.global.min.u64 [%in+24], %rd1;
                bar.sync 0;
                @%p1 bra $END;
                ld.shared.u32 %r1, [cell];
                ld.global.u32 %r2, [%in];
                ld.global.u64 %rd4, [%in+8];
                ld.global.u64 %rd5, [%in+24];
                st.global.v2.u32 [%out], {%r1, %r2};
                st.global.v2.u64 [%out+16], {%rd4, %rd5};
            $END:
                """;
        long[] out = PtxKernel.run(dev, body, new long[] {0, 7, 0, 1000}, 64, 4);
        assertEquals(63, (int) out[0], "red.shared.max");
        assertEquals(128, (int) (out[0] >>> 32), "red.global.add");
        assertEquals(1000, out[2], "only thread 7 found 7 and swapped in 1000");
        assertEquals(0, out[3], "red.global.min.u64");
    }
}
