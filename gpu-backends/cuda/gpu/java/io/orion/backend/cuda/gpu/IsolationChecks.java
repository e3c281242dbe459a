package io.orion.backend.cuda.gpu;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuContext;

/** One CUDA context per session: pointers do not cross. (What a fault does: {@link FaultChecks}.) */
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
    }
}
