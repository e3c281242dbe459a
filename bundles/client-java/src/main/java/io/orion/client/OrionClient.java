package io.orion.client;

import io.orion.client.internal.ClientSession;

/** Opens sessions. */
public final class OrionClient {
    private OrionClient() {}

    /**
     * Connects to the first endpoint that answers and opens a session.
     *
     * @throws io.orion.api.backend.GpuException with CUDA's code when the server refuses (no such
     *         vGPU, quota, no device…), or CUDA_ERROR_NOT_INITIALIZED when no server can be reached
     */
    public static VgpuSession open(ClientOptions options) {
        return ClientSession.open(options);
    }
}
