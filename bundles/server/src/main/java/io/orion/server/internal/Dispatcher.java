package io.orion.server.internal;

import io.orion.protocol.DeviceCalls;
import io.orion.protocol.DeviceRequest;
import io.orion.protocol.EventCalls;
import io.orion.protocol.ExecCalls;
import io.orion.protocol.MemoryCalls;
import io.orion.protocol.ModuleCalls;
import io.orion.protocol.Result;
import io.orion.protocol.StreamCalls;

/** Runs one device request of a session against its vGPU. The switch is exhaustive over the protocol's requests. */
final class Dispatcher {
    private final LaunchGate gate;

    Dispatcher(LaunchGate gate) {
        this.gate = gate;
    }

    LaunchGate gate() { return gate; }

    Result handle(Session s, DeviceRequest r, int chunkBytes, ChunkSink chunks) {
        SessionDevice d = s.device(r.device());
        d.calls.increment();
        return switch (r) {
            case DeviceCalls.DeviceInfo m -> MemoryOps.info(d);
            case DeviceCalls.MemInfo m -> MemoryOps.memInfo(d);
            case DeviceCalls.DeviceSync m -> ExecOps.syncDevice(d);
            case MemoryCalls.MemAlloc m -> MemoryOps.alloc(d, m);
            case MemoryCalls.MemFree m -> MemoryOps.free(d, m);
            case MemoryCalls.Memset m -> MemoryOps.memset(d, m);
            case MemoryCalls.CopyHtoD m -> MemoryOps.toDevice(d, m);
            case MemoryCalls.CopyDtoH m -> MemoryOps.fromDevice(d, m, chunkBytes, chunks);
            case MemoryCalls.CopyDtoD m -> MemoryOps.onDevice(d, m);
            case MemoryCalls.CopyHtoDRegion m -> MemoryOps.toDeviceFromRegion(d, m);
            case MemoryCalls.CopyDtoHRegion m -> MemoryOps.fromDeviceToRegion(d, m);
            case ModuleCalls.ModuleLoad m -> ModuleOps.load(d, m);
            case ModuleCalls.ModuleUnload m -> ModuleOps.unload(d, m);
            case ModuleCalls.FunctionGet m -> ModuleOps.function(d, m);
            case ModuleCalls.GlobalGet m -> ModuleOps.global(d, m);
            case ModuleCalls.FunctionAttrs m -> ModuleOps.attributes(d, m);
            case ModuleCalls.Occupancy m -> ModuleOps.occupancy(d, m);
            case ExecCalls.Launch m -> ExecOps.launch(d, m, gate);
            case StreamCalls.StreamCreate m -> ExecOps.createStream(d, m);
            case StreamCalls.StreamDestroy m -> ExecOps.destroyStream(d, m, gate);
            case StreamCalls.StreamSync m -> ExecOps.syncStream(d, m);
            case StreamCalls.StreamQuery m -> ExecOps.queryStream(d, m);
            case StreamCalls.StreamWaitEvent m -> ExecOps.waitEvent(d, m);
            case EventCalls.EventCreate m -> ExecOps.createEvent(d, m);
            case EventCalls.EventDestroy m -> ExecOps.destroyEvent(d, m);
            case EventCalls.EventRecord m -> ExecOps.record(d, m);
            case EventCalls.EventQuery m -> ExecOps.queryEvent(d, m);
            case EventCalls.EventSync m -> ExecOps.syncEvent(d, m);
            case EventCalls.EventElapsed m -> ExecOps.elapsed(d, m);
        };
    }
}
