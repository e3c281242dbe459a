package io.orion.backend.cuda.internal.driver;

import java.util.Map;

/**
 * The CUDA errors that cuda.h documents as ending CUDA for the whole process: "This leaves the
 * process in an inconsistent state and any further CUDA work will return the same error. To
 * continue using CUDA, the process must be terminated and relaunched." Every context of the
 * process is then unusable, not only the one that faulted: on the H200 with driver 580, an illegal
 * address in one context made a module load in another fail with the same error (GPU suite,
 * 2026-11-28).
 *
 * <p>{@code CUDA_ERROR_ASSERT} is documented as ending only its context ("The context cannot be
 * used anymore, and must be destroyed"), but measured it ends every context of the process too: on
 * the H200 with driver 580.159.04 (GPU suite, 2026-11-28), after a failed device-side assert in one
 * context a module load in another failed with CUDA_ERROR_ASSERT. It is in {@link #MEASURED}; the
 * GPU suite keeps checking which way the driver behaves.
 *
 * <p>The codes are written out because the generated constants do not carry them all;
 * {@code ProcessFatalErrorsTest} checks {@link #CODES} against cuda.h's comments.
 */
public final class ProcessFatalErrors {
    private ProcessFatalErrors() {}

    /** Code to name, as in cuda.h. */
    public static final Map<Integer, String> CODES = Map.ofEntries(
            Map.entry(226, "CUDA_ERROR_CONTAINED"),
            Map.entry(700, "CUDA_ERROR_ILLEGAL_ADDRESS"),
            Map.entry(702, "CUDA_ERROR_LAUNCH_TIMEOUT"),
            Map.entry(714, "CUDA_ERROR_HARDWARE_STACK_ERROR"),
            Map.entry(715, "CUDA_ERROR_ILLEGAL_INSTRUCTION"),
            Map.entry(716, "CUDA_ERROR_MISALIGNED_ADDRESS"),
            Map.entry(717, "CUDA_ERROR_INVALID_ADDRESS_SPACE"),
            Map.entry(718, "CUDA_ERROR_INVALID_PC"),
            Map.entry(719, "CUDA_ERROR_LAUNCH_FAILED"),
            Map.entry(721, "CUDA_ERROR_TENSOR_MEMORY_LEAK"),
            Map.entry(810, "CUDA_ERROR_MPS_CLIENT_TERMINATED"),
            Map.entry(911, "CUDA_ERROR_EXTERNAL_DEVICE"));

    /** Errors cuda.h calls context-local that the GPU showed to end the whole process. */
    public static final Map<Integer, String> MEASURED = Map.of(710, "CUDA_ERROR_ASSERT");

    public static boolean isProcessFatal(int rc) {
        return rc >= 226 && (CODES.containsKey(rc) || MEASURED.containsKey(rc));
    }
}
