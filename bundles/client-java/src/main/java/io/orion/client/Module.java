package io.orion.client;

import org.osgi.annotation.versioning.ProviderType;

/** A module loaded on one vGPU. */
@ProviderType
public interface Module {
    /** A kernel of the module, with its parameter layout (looked up once, then cached). */
    Kernel kernel(String name);

    /** A {@code __device__} variable's address and size. */
    Global global(String name);

    void unload();

    /** A module-scope variable. */
    record Global(long address, long size) {}
}
