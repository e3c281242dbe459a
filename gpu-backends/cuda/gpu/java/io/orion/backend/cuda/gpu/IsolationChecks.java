package io.orion.backend.cuda.gpu;

import java.lang.foreign.Arena;
import java.util.Set;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.Dim3;
import io.orion.api.backend.GpuContext;
import io.orion.api.backend.GpuException;
import io.orion.api.backend.GpuFunction;

/** One CUDA context per session: pointers do not cross, and a fault stays in its context. */
final class IsolationChecks {
    private IsolationChecks() {}

    static void all(SuiteRunner r, Fixture f) {
        r.check("isolation: another session's pointer is refused", () -> {
            try (GpuContext a = f.open(); GpuContext b = f.open()) {
                long pa = a.memAlloc(1 << 20);
                Expect.error(CudaError.INVALID_VALUE.code(), () -> b.memsetD8(pa, 0, 64, null), "memset of a's memory in b");
                Expect.error(CudaError.INVALID_VALUE.code(), () -> b.memFree(pa), "b freeing a's memory");
                a.memsetD8(pa, 1, 64, null);
            }
        });
        // last: a real fault, which the driver contains to the faulting context
        r.check("isolation: a kernel fault poisons only its own context", () -> {
            try (GpuContext good = f.open()) {
                GpuContext bad = f.open();
                GpuFunction write = bad.function(f.load(bad), "orion_write");
                try (Arena arena = Arena.ofConfined()) {
                    bad.launch(write, Dim3.of(1), Dim3.of(1), 0, null,
                            new KernelArgs(write, arena).ptr(0, 0x10).i32(1, 42).segment());
                }
                Set<Integer> fault = Set.of(CudaError.ILLEGAL_ADDRESS.code(), CudaError.LAUNCH_FAILED.code());
                GpuException e = Expect.error(fault, bad::synchronize, "synchronizing after a store to address 0x10");
                r.note("the fault: " + e.getMessage());
                Expect.error(fault, () -> bad.memAlloc(64), "the error is sticky in that context");
                bad.close();
                KernelChecks.vecAdd(f, good, f.load(good), 1 << 16); // the other session goes on
                try (GpuContext fresh = f.open()) {
                    KernelChecks.vecAdd(f, fresh, f.load(fresh), 1 << 16); // and new ones work
                }
            }
        });
    }
}
