package io.orion.api.backend;

/** A grid or block shape, as CUDA's {@code dim3}. */
public record Dim3(int x, int y, int z) {
    public Dim3 {
        if (x < 1 || y < 1 || z < 1)
            throw new GpuException(CudaError.INVALID_VALUE, "dimensions must be >= 1, was (" + x + "," + y + "," + z + ")");
    }

    public static Dim3 of(int x) { return new Dim3(x, 1, 1); }

    public long volume() { return (long) x * y * z; }
}
