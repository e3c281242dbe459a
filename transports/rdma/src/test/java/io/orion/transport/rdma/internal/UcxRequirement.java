package io.orion.transport.rdma.internal;

import static org.junit.jupiter.api.Assertions.fail;

import io.orion.ucx.Ucx;

/** UCX must be there when these tests run (CI sets it up): without it they fail, saying how to set it up. */
final class UcxRequirement {
    private UcxRequirement() {}

    static void require() {
        Ucx.load(System.getProperty(Ucx.LIBRARY_PATH_PROPERTY)).ifPresent(why -> fail(
                "the rdma transport's tests need UCX. Run bin/ensure-ucx once (it unpacks Debian's UCX packages into .tools/ucx), "
                        + "or install UCX and pass -D" + Ucx.LIBRARY_PATH_PROPERTY + "=DIR. Loading it said: " + why));
    }
}
