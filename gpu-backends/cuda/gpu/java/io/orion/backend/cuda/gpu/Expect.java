package io.orion.backend.cuda.gpu;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import io.orion.api.backend.GpuException;

/** Assertions for the GPU suite, which runs on a bare JRE (no JUnit there). */
final class Expect {
    private Expect() {}

    static final class Failure extends RuntimeException {
        @java.io.Serial private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    static void that(boolean condition, String what) {
        if (!condition) throw new Failure(what);
    }

    static void equal(long expected, long actual, String what) {
        if (expected != actual) throw new Failure(what + ": expected " + expected + ", was " + actual);
    }

    static void equal(Object expected, Object actual, String what) {
        if (!java.util.Objects.equals(expected, actual)) throw new Failure(what + ": expected " + expected + ", was " + actual);
    }

    static void equal(byte[] expected, byte[] actual, String what) {
        int i = Arrays.mismatch(expected, actual);
        if (i >= 0) throw new Failure(what + ": first difference at byte " + i + " of " + expected.length
                + (i < Math.min(expected.length, actual.length) ? " (" + expected[i] + " vs " + actual[i] + ")" : " (lengths)"));
    }

    static void equal(int[] expected, int[] actual, String what) {
        int i = Arrays.mismatch(expected, actual);
        if (i >= 0) throw new Failure(what + ": first difference at [" + i + "]: expected "
                + (i < expected.length ? expected[i] : "end") + ", was " + (i < actual.length ? actual[i] : "end"));
    }

    /** Equal within {@code ulps} units in the last place (a GPU may fuse a multiply-add). */
    static void close(float[] expected, float[] actual, int ulps, String what) {
        equal(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++)
            if (Math.abs(expected[i] - actual[i]) > ulps * Math.ulp(Math.max(Math.abs(expected[i]), Float.MIN_NORMAL)))
                throw new Failure(what + ": [" + i + "] expected " + expected[i] + ", was " + actual[i]);
    }

    static void equal(double[] expected, double[] actual, String what) {
        equal(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++)
            if (Double.doubleToLongBits(expected[i]) != Double.doubleToLongBits(actual[i]))
                throw new Failure(what + ": [" + i + "] expected " + expected[i] + ", was " + actual[i]);
    }

    /** The call fails with one of the CUDA codes; returns the error for further checks. */
    static GpuException error(Set<Integer> codes, Runnable call, String what) {
        try {
            call.run();
        } catch (GpuException e) {
            if (codes.contains(e.code())) return e;
            throw new Failure(what + ": expected CUDA error " + names(codes) + ", got " + e.getMessage());
        }
        throw new Failure(what + ": expected CUDA error " + names(codes) + ", but it succeeded");
    }

    static GpuException error(int code, Runnable call, String what) {
        return error(Set.of(code), call, what);
    }

    private static String names(Set<Integer> codes) {
        return codes.stream().sorted().map(c -> io.orion.api.backend.CudaError.of(c).name())
                .collect(Collectors.joining(" or "));
    }
}
