package io.orion.backend.cuda.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Set;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuFunction;
import io.orion.backend.cuda.internal.driver.ProcessFatalErrors;

/**
 * What a kernel fault does to the other sessions of the process, and what the backend makes of it.
 *
 * <p>An illegal address ends CUDA for the whole process: measured on the H200 with driver 580 on
 * 2026-11-28 (a module load in another context then failed with CUDA_ERROR_ILLEGAL_ADDRESS), and
 * what cuda.h documents. {@link #processFatal} checks both halves: that the driver still does this
 * (asked directly, past the backend), and that the backend then reports itself faulted, fails the
 * other sessions' calls at once with the fault, and refuses new contexts saying the server process
 * must be restarted. It must run last: the process can do no CUDA work after it.
 *
 * <p>A device-side assert, by cuda.h, ends only its own context, so the backend does not treat it
 * as fatal to the process. {@link #assertContained} checks that on the GPU; it makes a fault of its
 * own, so gpu/run.sh runs it in a second process ({@code GpuSuite --part assert}).
 */
final class FaultChecks {
    private FaultChecks() {}

    /** What a store to address 0x10 may report: cuda.h allows LAUNCH_FAILED for an illegal address too. */
    private static final Set<Integer> ILLEGAL_ADDRESS = Set.of(CudaError.ILLEGAL_ADDRESS.code(), CudaError.LAUNCH_FAILED.code());
    private static final String RESTART = "restart the server process";

    static void processFatal(SuiteRunner r, Fixture f) {
        r.check("fault: an illegal address in one context ends CUDA in every context; the backend says so and refuses new ones", () -> {
            GpuContext other = f.open();
            GpuFunction add = other.function(f.load(other), "orion_vec_add");
            long buffer = other.memAlloc(4096);
            MemorySegment otherContext = BareDriver.currentContext(); // the backend left other's context current
            GpuContext bad = f.open();
            GpuFunction write = bad.function(f.load(bad), "orion_write");
            try (Arena arena = Arena.ofConfined()) {
                bad.launch(write, Dim3.of(1), Dim3.of(1), 0, null, new KernelArgs(write, arena).ptr(0, 0x10).i32(1, 42).segment());
            }
            GpuException fault = Expect.error(ILLEGAL_ADDRESS, bad::synchronize, "synchronizing after a store to address 0x10");
            r.note("the fault: " + fault.getMessage());
            Expect.that(fault.getMessage().endsWith(RESTART), "the fault's own error says to restart: " + fault.getMessage());

            // the driver, asked directly: the other context fails too (what makes the fault process-fatal)
            int rc = BareDriver.probe(otherContext, buffer);
            r.note("the other context, asked directly: " + (rc == 0 ? "works" : CudaError.of(rc).name() + " (" + rc + ")"));
            Expect.that(ProcessFatalErrors.isProcessFatal(rc), "the driver fails a memset in the other context with a"
                    + " process-fatal error, as on 2026-11-28 (driver 580); it returned " + rc
                    + (rc == 0 ? ": this driver contains the fault to its context, so treating it as process-fatal is too strict here" : ""));

            // the backend: faulted, and its status says what, where, and what to do; the GPU is still listed
            Expect.that(f.backend.faulted(), "the backend reports itself faulted");
            String status = f.backend.status();
            r.note("status: " + status);
            Expect.that(status.startsWith("faulted: " + fault.error().name()) && status.contains("context #")
                    && status.contains(RESTART) && status.contains(f.device.uuid()), "the status names the fault, its context, the"
                    + " restart and the devices: " + status);
            Expect.that(!f.backend.devices().isEmpty(), "the devices are still listed");

            // the other session's next calls fail at once with the fault, without going to the driver
            long t0 = System.nanoTime();
            GpuException launch;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment args = new KernelArgs(add, arena).ptr(0, buffer).ptr(1, buffer).ptr(2, buffer).i32(3, 1024).segment();
                launch = Expect.error(fault.code(), () -> other.launch(add, Dim3.of(4), Dim3.of(256), 0, null, args),
                        "a launch in the other context");
            }
            Expect.error(fault.code(), other::synchronize, "synchronizing the other context");
            Expect.error(fault.code(), () -> other.memAlloc(64), "an allocation in the other context");
            Expect.that(System.nanoTime() - t0 < 1_000_000_000L, "the calls failed at once");
            Expect.that(launch.getMessage().contains("cannot be used") && launch.getMessage().endsWith(RESTART),
                    "the other session's error says why and what to do: " + launch.getMessage());

            // no new contexts, with the reason
            GpuException refused = Expect.error(fault.code(), f::open, "opening a new context");
            r.note("a new context: " + refused.getMessage());
            Expect.that(refused.getMessage().contains("cannot open a context") && refused.getMessage().endsWith(RESTART),
                    "the refusal says why and what to do: " + refused.getMessage());

            // closing still works and comes back
            t0 = System.nanoTime();
            bad.close();
            other.close();
            Expect.that(System.nanoTime() - t0 < 10_000_000_000L, "closing the contexts came back");
        });
    }

    /**
     * cuda.h says a failed device-side assert ends only its context; on the H200 with driver 580 it
     * ended every context of the process (2026-11-28). Checks which way this driver goes, and that
     * the backend treats it as process-fatal either way the measurement went.
     */
    static void assertContained(SuiteRunner r, Fixture f) {
        r.check("fault: a failed device-side assert faults the backend (it ended the whole process on the H200, driver 580)", () -> {
            try (GpuContext other = f.open()) {
                KernelChecks.vecAdd(f, other, f.load(other), 1 << 12);
                GpuContext bad = f.open();
                GpuFunction fail = bad.function(f.load(bad), "orion_assert");
                try (Arena arena = Arena.ofConfined()) {
                    bad.launch(fail, Dim3.of(1), Dim3.of(1), 0, null, new KernelArgs(fail, arena).i32(0, 1).segment());
                }
                GpuException e = Expect.error(CudaError.ASSERT.code(), bad::synchronize, "synchronizing after a failed assert");
                r.note("the assert: " + e.getMessage());
                Expect.that(f.backend.faulted(), "the backend is faulted by the assert: " + f.backend.status());
                Expect.error(CudaError.ASSERT.code(), () -> other.memAlloc(64), "the other context fails with the assert too");
                Expect.error(CudaError.ASSERT.code(), f::open, "no new contexts");
                bad.close();
            }
        });
    }
}
