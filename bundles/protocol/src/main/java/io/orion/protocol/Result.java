package io.orion.protocol;

import java.nio.ByteBuffer;

/** What a successful reply carries, by request type (docs/protocol.md §4). */
public sealed interface Result permits Results.Empty, Results.Handle, Results.Pointer, Results.Count,
        SessionCalls.HelloOk, SessionCalls.Pong, DeviceCalls.DeviceDescription, DeviceCalls.MemoryStatus,
        MemoryCalls.DataChunk, ModuleCalls.FunctionInfo, ModuleCalls.SymbolInfo, ModuleCalls.Attributes,
        EventCalls.Elapsed {

    void write(PayloadWriter w);

    /** Bulk bytes that end the payload; null when there are none. */
    default ByteBuffer tail() { return null; }
}
