package io.orion.backend.host.internal.interp;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import io.orion.api.backend.CudaError;
import io.orion.backend.host.internal.memory.DeviceMemory;

/**
 * One kernel launch: the grid is cut into blocks that the workers take one by one, so blocks run
 * in parallel on all workers and a slow block does not hold back the others. The first fault stops
 * the launch.
 */
public final class Launch {
    final Program program;
    final DeviceMemory memory;
    final MemorySegment params;
    final int gridX, gridY, gridZ;
    final int blockX, blockY, blockZ;
    final int dynamicShared;
    final int workers;
    final long gridId;
    final Consumer<String> printf;

    private volatile boolean aborted;
    private final AtomicReference<KernelFault> fault = new AtomicReference<>();
    private final LongAdder executed = new LongAdder();

    /**
     * @param params  the packed kernel arguments (a copy the launch owns)
     * @param printf  where device {@code printf} lines go
     */
    public Launch(Program program, DeviceMemory memory, MemorySegment params, int[] grid, int[] block,
                  int dynamicShared, int workers, long gridId, Consumer<String> printf) {
        this.program = program;
        this.memory = memory;
        this.params = params;
        this.gridX = grid[0];
        this.gridY = grid[1];
        this.gridZ = grid[2];
        this.blockX = block[0];
        this.blockY = block[1];
        this.blockZ = block[2];
        this.dynamicShared = dynamicShared;
        this.workers = workers;
        this.gridId = gridId;
        this.printf = printf;
    }

    /**
     * Runs the whole grid with up to {@link #workers} blocks at a time: the calling thread takes one
     * share of the blocks and {@code pool} the others (a one-block launch never leaves the calling
     * thread). Throws the first fault.
     */
    public void run(Executor pool) throws InterruptedException {
        long blocks = (long) gridX * gridY * gridZ;
        int threads = blockX * blockY * blockZ;
        int sharedSize = program.sharedBytes(dynamicShared);
        int tasks = (int) Math.min(workers, blocks);
        AtomicLong next = new AtomicLong();
        CountDownLatch done = new CountDownLatch(tasks);
        for (int t = 0; t < tasks; t++) {
            int worker = t;
            Runnable task = () -> {
                Block b = null;
                try {
                    b = program.acquireBlock(threads, sharedSize);
                    b.bind(this, worker);
                    for (long i; !aborted && (i = next.getAndIncrement()) < blocks; ) {
                        b.run((int) (i % gridX), (int) (i / gridX % gridY), (int) (i / ((long) gridX * gridY)));
                    }
                } catch (KernelFault f) {
                    fail(f);
                } catch (IllegalStateException e) {
                    // A segment closed under the kernel: its memory was freed while the kernel ran.
                    fail(new KernelFault(CudaError.ILLEGAL_ADDRESS, "kernel '" + program.name
                            + "' touched device memory that was freed while it ran: " + e.getMessage()));
                } catch (RuntimeException | StackOverflowError e) {
                    fail(new KernelFault(CudaError.LAUNCH_FAILED, "kernel '" + program.name
                            + "' failed in the PTX interpreter: " + e));
                } finally {
                    if (b != null) {
                        executed.add(b.executed());
                        program.releaseBlock(b);
                    }
                    done.countDown();
                }
            };
            if (t == tasks - 1) {
                task.run(); // the caller's own share
                break;
            }
            try {
                pool.execute(task);
            } catch (RejectedExecutionException e) {
                // The backend is stopping: the tasks not started will never count down themselves.
                fail(new KernelFault(CudaError.LAUNCH_FAILED, "kernel '" + program.name + "' not run: the host backend is stopping"));
                for (int left = t; left < tasks; left++) done.countDown();
                break;
            }
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            aborted = true;
            done.await();
            throw e;
        }
        KernelFault f = fault.get();
        if (f != null) throw f;
    }

    /** Stops the launch at the next block or back edge (the context is closing). */
    public void abort() {
        if (!aborted) {
            fault.compareAndSet(null, new KernelFault(CudaError.LAUNCH_FAILED, "kernel '" + program.name + "' was aborted"));
            aborted = true;
        }
    }

    /** Thread-instructions executed (one per active lane per instruction), once the launch is done. */
    public long executedInstructions() {
        return executed.sum();
    }

    GlobalView globalView() {
        return new GlobalView(memory);
    }

    void checkAborted() {
        if (aborted) throw new KernelFault(CudaError.LAUNCH_FAILED, "launch stopped");
    }

    private void fail(KernelFault f) {
        fault.compareAndSet(null, f);
        aborted = true;
    }
}
