package io.orion.backend.cuda.internal.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.orion.api.backend.CudaError;
import io.orion.backend.cuda.internal.FakeDriver;

/** The process-fatal codes against cuda.h: the same numbers, and exactly the errors its comments call fatal to the process. */
class ProcessFatalErrorsTest {

    @Test
    void theListIsWhatCudaHSaysEndsTheProcess() throws Exception {
        Path dir = FakeDriver.dir();
        Path include = dir == null ? null : dir.resolve("CUDA_INCLUDE");
        assumeTrue(include != null && Files.exists(include), "no cuda.h was found when the fakes were built");
        String header = Files.readString(Path.of(Files.readString(include).strip(), "cuda.h"));

        // each CUresult enumerator with the doc comment right before it, comment markers and line breaks removed
        Matcher m = Pattern.compile("/\\*\\*((?:(?!\\*/).)*)\\*/\\s*(CUDA_ERROR_\\w+)\\s*=\\s*(\\d+)", Pattern.DOTALL).matcher(header);
        Map<Integer, String> fatal = new TreeMap<>();
        int enumerators = 0;
        while (m.find()) {
            enumerators++;
            String doc = m.group(1).replaceAll("\\s*\\*\\s*", " ").replaceAll("\\s+", " ");
            if (doc.contains("the process must be terminated and relaunched")) fatal.put(Integer.parseInt(m.group(3)), m.group(2));
        }
        assertTrue(enumerators > 90, "found " + enumerators + " CUresult values in cuda.h");
        assertEquals(fatal, new TreeMap<>(ProcessFatalErrors.CODES));
    }

    @Test
    void anAssertIsFatalAsMeasuredAndOrdinaryErrorsAreNot() {
        assertTrue(ProcessFatalErrors.isProcessFatal(CudaError.ILLEGAL_ADDRESS.code()));
        assertTrue(ProcessFatalErrors.isProcessFatal(CudaError.LAUNCH_FAILED.code()));
        assertTrue(ProcessFatalErrors.isProcessFatal(CudaError.ASSERT.code()), "measured on the H200, driver 580");
        for (CudaError e : new CudaError[] {CudaError.OUT_OF_MEMORY, CudaError.INVALID_VALUE,
                CudaError.LAUNCH_OUT_OF_RESOURCES, CudaError.NOT_READY, CudaError.INVALID_CONTEXT})
            assertFalse(ProcessFatalErrors.isProcessFatal(e.code()), e.name());
    }
}
