package io.orion.protocol;

/** A request about one of the session's vGPUs; {@link #device()} is its device number (u16 on the wire, first field). */
public sealed interface DeviceRequest extends Request permits
        DeviceCalls.DeviceInfo, DeviceCalls.MemInfo, DeviceCalls.DeviceSync,
        MemoryCalls.MemAlloc, MemoryCalls.MemFree, MemoryCalls.Memset, MemoryCalls.CopyHtoD, MemoryCalls.CopyDtoH,
        MemoryCalls.CopyDtoD, MemoryCalls.CopyHtoDRegion, MemoryCalls.CopyDtoHRegion,
        ModuleCalls.ModuleLoad, ModuleCalls.ModuleUnload, ModuleCalls.FunctionGet, ModuleCalls.GlobalGet,
        ModuleCalls.FunctionAttrs, ModuleCalls.Occupancy,
        ExecCalls.Launch,
        StreamCalls.StreamCreate, StreamCalls.StreamDestroy, StreamCalls.StreamSync, StreamCalls.StreamQuery,
        StreamCalls.StreamWaitEvent,
        EventCalls.EventCreate, EventCalls.EventDestroy, EventCalls.EventRecord, EventCalls.EventQuery,
        EventCalls.EventSync, EventCalls.EventElapsed {

    int device();

    /** Reads the device number every device request starts with. */
    static int readDevice(PayloadReader r) {
        int d = r.u16("device");
        if (d >= Wire.MAX_DEVICES) throw r.bad("device", "device " + d + " is beyond the " + Wire.MAX_DEVICES + " a session may hold");
        return d;
    }
}
