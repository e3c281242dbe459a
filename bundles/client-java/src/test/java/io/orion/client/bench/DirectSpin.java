package io.orion.client.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.orion.api.backend.GpuBackend;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuEvent;
import io.orion.api.backend.GpuFunction;

/** The spin loop on a context of the backend called in process: the calibration, and the baseline of the overhead. */
public final class DirectSpin extends SpinLoop implements AutoCloseable {
    private final GpuContext ctx;
    private final GpuFunction spin;
    private final SpinKernel kernel;
    private final GpuEvent[] events = new GpuEvent[DEPTH];
    private final long out;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment args;

    public DirectSpin(GpuBackend backend, String gpuUuid, SpinKernel kernel) {
        super("direct");
        this.kernel = kernel;
        this.ctx = backend.openContext(gpuUuid);
        this.spin = ctx.function(ctx.loadModule(MemorySegment.ofArray(SpinKernel.ptx())), SpinKernel.NAME);
        this.out = ctx.memAlloc(4L * kernel.threads);
        for (int i = 0; i < DEPTH; i++) events[i] = ctx.createEvent(true, false);
        this.args = arena.allocate(16, 8);
        args.set(ValueLayout.JAVA_LONG, 0, out);
    }

    public void iterations(int iters) {
        args.set(ValueLayout.JAVA_INT, 8, iters);
    }

    @Override void launch() { ctx.launch(spin, kernel.grid, kernel.block, 0, null, args); }

    @Override void record(int slot) { ctx.record(events[slot], null); }

    @Override void await(int slot) { ctx.synchronize(events[slot]); }

    @Override void drain() { ctx.synchronize(); }

    /** Milliseconds one kernel of {@code iters} takes alone: the mean of {@code n} queued back to back, timed by events. */
    public double millisPerKernel(int iters, int n) {
        iterations(iters);
        launch();
        ctx.synchronize(); // warm: the module's first launch
        ctx.record(events[0], null);
        for (int i = 0; i < n; i++) launch();
        ctx.record(events[1], null);
        ctx.synchronize(events[1]);
        return ctx.elapsedMillis(events[0], events[1]) / n;
    }

    @Override
    public void close() {
        ctx.close();
        arena.close();
    }
}
