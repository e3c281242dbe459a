package io.orion.backend.host.internal.interp;

import java.lang.invoke.VarHandle;

/**
 * {@code membar}/{@code fence}: a full fence, so that stores of this block are seen by blocks
 * running on other workers before what follows (the lanes of a block already share one thread).
 */
final class Fence extends Insn {
    Fence() {
        super(false);
    }

    @Override
    void exec(Warp w, int mask) {
        VarHandle.fullFence();
    }
}
