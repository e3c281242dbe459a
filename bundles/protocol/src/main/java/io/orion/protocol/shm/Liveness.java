package io.orion.protocol.shm;

import java.io.IOException;

/** Whether the other side is still there; checked by every wait between park slices. */
@FunctionalInterface
public interface Liveness {
    /** @throws IOException saying why the peer is gone */
    void check() throws IOException;
}
