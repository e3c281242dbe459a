package io.orion.api.backend;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/** A kernel of a loaded module, with its parameter layout. Made by the backend. */
@ConsumerType
public interface GpuFunction {
    /** The kernel's symbol name (mangled as in the module). */
    String name();

    /** Its parameters in order, as {@code cuFuncGetParamInfo} reports them. */
    List<KernelParam> params();

    /** Size of the packed argument buffer a launch must pass. */
    default long paramBufferSize() {
        return params().stream().mapToLong(p -> p.offset() + p.size()).max().orElse(0);
    }
}
