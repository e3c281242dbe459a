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
 * <p>{@code CUDA_ERROR_ASSERT} is not here: cuda.h documents it as ending only its context ("The
 * context cannot be used anymore, and must be destroyed"), and the GPU suite checks that this holds.
 *
 * <p>The codes are written out because the generated constants do not carry them all;
 * {@code ProcessFatalErrorsTest} checks this list against cuda.h's comments.
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

    public static boolean isProcessFatal(int rc) {
        return rc >= 226 && CODES.containsKey(rc);
    }
}
