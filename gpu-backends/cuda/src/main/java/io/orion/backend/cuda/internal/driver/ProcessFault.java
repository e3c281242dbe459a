package io.orion.backend.cuda.internal.driver;

import java.time.Instant;

import io.orion.api.backend.CudaError;

/**
 * The first process-fatal error ({@link ProcessFatalErrors}) the driver reported to this backend:
 * from then on no context of the process can do CUDA work, and only a new process can.
 *
 * @param error       CUDA's error
 * @param firstReport the call that reported it first, and in which context, e.g.
 *                    {@code cuCtxSynchronize in context #48 on GPU-…}. That context is where the
 *                    error surfaced first, which is not always the one whose kernel faulted.
 * @param at          when it was reported
 */
public record ProcessFault(CudaError error, String firstReport, Instant at) {

    /** What it means for the operator; the end of every message about it. */
    public static final String CONSEQUENCE = "CUDA makes this error sticky for the whole process, so no context of this"
            + " server process can do CUDA work any more: restart the server process";

    /** One line: the error, where and when it surfaced, and what to do. */
    public String describe() {
        return error.name() + " (" + error.message() + ") since " + at + ", first reported by " + firstReport + "; "
                + CONSEQUENCE;
    }
}
