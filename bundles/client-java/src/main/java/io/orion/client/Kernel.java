package io.orion.client;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** A kernel and its parameter layout, as the server's backend reports it. */
@ProviderType
public interface Kernel {
    String name();

    /** The size of each parameter, in order. */
    List<Integer> parameterSizes();

    /** A packer for one launch's arguments, in parameter order. */
    KernelArgs args();
}
