package io.orion.protocol;

import java.util.function.Function;

/**
 * Every message type: its code on the wire, whether it may be sent {@link Wire#FLAG_ASYNC} (the
 * calls CUDA makes asynchronous, and releases that need no answer), how its request is read, and
 * what its successful reply carries.
 */
public enum MessageType {
    HELLO(0x0001, false, SessionCalls.Hello::read, SessionCalls.HelloOk::read),
    GOODBYE(0x0002, false, SessionCalls.Goodbye::read, Results.Empty::read),
    PING(0x0003, false, SessionCalls.Ping::read, SessionCalls.Pong::read),

    DEVICE_INFO(0x0010, false, DeviceCalls.DeviceInfo::read, DeviceCalls.DeviceDescription::read),
    MEM_INFO(0x0011, false, DeviceCalls.MemInfo::read, DeviceCalls.MemoryStatus::read),
    DEVICE_SYNC(0x0012, false, DeviceCalls.DeviceSync::read, Results.Empty::read),

    MEM_ALLOC(0x0020, false, MemoryCalls.MemAlloc::read, Results.Pointer::read),
    MEM_FREE(0x0021, true, MemoryCalls.MemFree::read, Results.Empty::read),
    MEMSET(0x0022, true, MemoryCalls.Memset::read, Results.Empty::read),
    COPY_HTOD(0x0023, true, MemoryCalls.CopyHtoD::read, Results.Empty::read),
    COPY_DTOH(0x0024, false, MemoryCalls.CopyDtoH::read, MemoryCalls.DataChunk::read),
    COPY_DTOD(0x0025, true, MemoryCalls.CopyDtoD::read, Results.Empty::read),
    COPY_HTOD_REGION(0x0026, true, MemoryCalls.CopyHtoDRegion::read, Results.Empty::read),
    COPY_DTOH_REGION(0x0027, true, MemoryCalls.CopyDtoHRegion::read, Results.Empty::read),

    MODULE_LOAD(0x0030, false, ModuleCalls.ModuleLoad::read, Results.Handle::read),
    MODULE_UNLOAD(0x0031, true, ModuleCalls.ModuleUnload::read, Results.Empty::read),
    FUNCTION_GET(0x0032, false, ModuleCalls.FunctionGet::read, ModuleCalls.FunctionInfo::read),
    GLOBAL_GET(0x0033, false, ModuleCalls.GlobalGet::read, ModuleCalls.SymbolInfo::read),
    FUNCTION_ATTRIBUTES(0x0034, false, ModuleCalls.FunctionAttrs::read, ModuleCalls.Attributes::read),
    OCCUPANCY(0x0035, false, ModuleCalls.Occupancy::read, Results.Count::read),

    LAUNCH(0x0040, true, ExecCalls.Launch::read, Results.Empty::read),

    STREAM_CREATE(0x0050, false, StreamCalls.StreamCreate::read, Results.Handle::read),
    STREAM_DESTROY(0x0051, true, StreamCalls.StreamDestroy::read, Results.Empty::read),
    STREAM_SYNC(0x0052, false, StreamCalls.StreamSync::read, Results.Empty::read),
    STREAM_QUERY(0x0053, false, StreamCalls.StreamQuery::read, Results.Empty::read),
    STREAM_WAIT_EVENT(0x0054, true, StreamCalls.StreamWaitEvent::read, Results.Empty::read),

    EVENT_CREATE(0x0060, false, EventCalls.EventCreate::read, Results.Handle::read),
    EVENT_DESTROY(0x0061, true, EventCalls.EventDestroy::read, Results.Empty::read),
    EVENT_RECORD(0x0062, true, EventCalls.EventRecord::read, Results.Empty::read),
    EVENT_QUERY(0x0063, false, EventCalls.EventQuery::read, Results.Empty::read),
    EVENT_SYNC(0x0064, false, EventCalls.EventSync::read, Results.Empty::read),
    EVENT_ELAPSED(0x0065, false, EventCalls.EventElapsed::read, EventCalls.Elapsed::read);

    private static final MessageType[] BY_CODE = new MessageType[0x100];

    static {
        for (MessageType t : values()) BY_CODE[t.code] = t;
    }

    private final int code;
    private final boolean asyncAllowed;
    private final Function<PayloadReader, ? extends Request> requestReader;
    private final Function<PayloadReader, ? extends Result> resultReader;

    MessageType(int code, boolean asyncAllowed, Function<PayloadReader, ? extends Request> requestReader,
                Function<PayloadReader, ? extends Result> resultReader) {
        this.code = code;
        this.asyncAllowed = asyncAllowed;
        this.requestReader = requestReader;
        this.resultReader = resultReader;
    }

    public int code() { return code; }

    /** May be sent with {@link Wire#FLAG_ASYNC}: no reply; an error latches on the session. */
    public boolean asyncAllowed() { return asyncAllowed; }

    /** The type with this code, or null for a code this version does not define. */
    public static MessageType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    Request readRequest(PayloadReader r) { return requestReader.apply(r); }

    Result readResult(PayloadReader r) { return resultReader.apply(r); }
}
