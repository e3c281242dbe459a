package io.orion.server.internal;

import java.lang.foreign.MemorySegment;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuEvent;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuStream;
import io.orion.protocol.EventCalls;
import io.orion.protocol.ExecCalls;
import io.orion.protocol.Result;
import io.orion.protocol.Results;
import io.orion.protocol.StreamCalls;
import io.orion.server.internal.gate.Admission;

/** Launches, streams, events and synchronization. */
final class ExecOps {
    private ExecOps() {}

    /** Not an error: what STREAM_QUERY and EVENT_QUERY answer while work is pending. */
    private static GpuException notReady() {
        return new GpuException(CudaError.NOT_READY);
    }

    static Result launch(SessionDevice d, ExecCalls.Launch m, LaunchGate gate) {
        SessionDevice.FunctionEntry f = d.functions.get(m.function());
        int expected = f.info().argumentBytes();
        if (m.args().remaining() != expected)
            throw new GpuException(CudaError.INVALID_VALUE, "kernel " + f.function().name() + " takes " + expected
                    + " bytes of arguments, the launch sent " + m.args().remaining());
        GpuStream stream = d.stream(m.stream());
        Dim3 grid = new Dim3(m.grid().x(), m.grid().y(), m.grid().z());
        Dim3 block = new Dim3(m.block().x(), m.block().y(), m.block().z());
        Admission admitted = gate.admit(d, stream);
        try {
            d.context.launch(f.function(), grid, block, m.sharedBytes(), stream, MemorySegment.ofBuffer(m.args()));
        } finally {
            admitted.done();
        }
        d.launches.increment();
        return Results.Empty.INSTANCE;
    }

    static Result createStream(SessionDevice d, StreamCalls.StreamCreate m) {
        return new Results.Handle(d.streams.add(d.context.createStream(m.nonBlocking(), m.priority())));
    }

    static Result destroyStream(SessionDevice d, StreamCalls.StreamDestroy m, LaunchGate gate) {
        if (m.stream() == 0) throw new GpuException(CudaError.INVALID_HANDLE, "the default stream cannot be destroyed");
        GpuStream s = d.streams.remove(m.stream());
        gate.streamDestroyed(d, s); // its measuring ends while the stream still takes events
        d.context.destroyStream(s);
        return Results.Empty.INSTANCE;
    }

    static Result syncStream(SessionDevice d, StreamCalls.StreamSync m) {
        GpuStream s = d.stream(m.stream());
        if (s == null) d.context.synchronize();
        else d.context.synchronize(s);
        return Results.Empty.INSTANCE;
    }

    static Result queryStream(SessionDevice d, StreamCalls.StreamQuery m) {
        if (!d.context.isIdle(d.stream(m.stream()))) throw notReady();
        return Results.Empty.INSTANCE;
    }

    static Result waitEvent(SessionDevice d, StreamCalls.StreamWaitEvent m) {
        GpuStream s = d.stream(m.stream());
        d.context.waitEvent(s, d.events.get(m.event()));
        return Results.Empty.INSTANCE;
    }

    static Result createEvent(SessionDevice d, EventCalls.EventCreate m) {
        return new Results.Handle(d.events.add(d.context.createEvent(!m.disableTiming(), m.blockingSync())));
    }

    static Result destroyEvent(SessionDevice d, EventCalls.EventDestroy m) {
        d.context.destroyEvent(d.events.remove(m.event()));
        return Results.Empty.INSTANCE;
    }

    static Result record(SessionDevice d, EventCalls.EventRecord m) {
        GpuEvent e = d.events.get(m.event());
        d.context.record(e, d.stream(m.stream()));
        return Results.Empty.INSTANCE;
    }

    static Result queryEvent(SessionDevice d, EventCalls.EventQuery m) {
        if (!d.context.isComplete(d.events.get(m.event()))) throw notReady();
        return Results.Empty.INSTANCE;
    }

    static Result syncEvent(SessionDevice d, EventCalls.EventSync m) {
        d.context.synchronize(d.events.get(m.event()));
        return Results.Empty.INSTANCE;
    }

    static Result elapsed(SessionDevice d, EventCalls.EventElapsed m) {
        return new EventCalls.Elapsed(d.context.elapsedMillis(d.events.get(m.start()), d.events.get(m.end())));
    }

    static Result syncDevice(SessionDevice d) {
        d.context.synchronize();
        return Results.Empty.INSTANCE;
    }
}
