package io.orion.server.internal;

import io.orion.protocol.MemoryCalls;

/** Sends the leading chunks of a multi-frame reply (each with the MORE flag); the last chunk is the call's result. */
@FunctionalInterface
interface ChunkSink {
    void more(MemoryCalls.DataChunk chunk);
}
