package io.orion.client.bench;

import java.nio.charset.StandardCharsets;

/** The benchmark's kernel: an empty one, as PTX, which the CUDA driver compiles and the host backend interprets. */
final class Kernels {
    private Kernels() {}

    static final String EMPTY = "empty";

    /** The module image for a backend: PTX, or the backend double's own format for {@code fake}. */
    static byte[] image(String backend) {
        return backend.equals("fake") ? "empty\n".getBytes(StandardCharsets.US_ASCII) : emptyPtx();
    }

    static byte[] emptyPtx() {
        return """
                .version 8.0
                .target sm_90
                .address_size 64

                .visible .entry empty()
                {
                \tret;
                }
                """.getBytes(StandardCharsets.US_ASCII);
    }
}
