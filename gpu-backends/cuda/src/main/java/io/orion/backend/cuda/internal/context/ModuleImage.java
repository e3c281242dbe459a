package io.orion.backend.cuda.internal.context;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;

/**
 * Recognises a module image by its content, as cuModuleLoadData does, so that a bad one is refused
 * with a message saying what was expected, and copies it to native memory for the driver (PTX
 * must end in a NUL there; a caller's PTX usually does not).
 */
final class ModuleImage {
    enum Kind { PTX, CUBIN, FATBIN }

    private static final int ELF_MAGIC = 0x464c457f;            // "\x7fELF", read little-endian
    private static final int FATBIN_MAGIC = 0xba55ed50;         // fat binary file header
    private static final int FATBIN_WRAPPER_MAGIC = 0x466243b1; // __fatBinC_Wrapper_t, which only points at one
    private static final int PTX_SNIFF_BYTES = 64 * 1024;

    private ModuleImage() {}

    static Kind kind(MemorySegment image) {
        if (image == null || image.byteSize() == 0)
            throw new GpuException(CudaError.INVALID_IMAGE, "the module image is empty");
        if (image.byteSize() >= 4) {
            int magic = image.get(JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (magic == ELF_MAGIC) return Kind.CUBIN;
            if (magic == FATBIN_MAGIC) return Kind.FATBIN;
            if (magic == FATBIN_WRAPPER_MAGIC)
                throw new GpuException(CudaError.INVALID_IMAGE, "this is a fat binary wrapper (__fatBinC_Wrapper_t), "
                        + "which holds a pointer: pass the fat binary it points to");
        }
        if (looksLikePtx(image)) return Kind.PTX;
        throw new GpuException(CudaError.INVALID_IMAGE, "not PTX text, a cubin (ELF) or a fat binary (magic 0xba55ed50); "
                + image.byteSize() + " bytes starting " + HexFormat.ofDelimiter(" ").formatHex(
                        image.asSlice(0, Math.min(16, image.byteSize())).toArray(JAVA_BYTE)));
    }

    /** PTX is text with a {@code .version} directive before any NUL. */
    private static boolean looksLikePtx(MemorySegment image) {
        int n = (int) Math.min(image.byteSize(), PTX_SNIFF_BYTES);
        byte[] head = image.asSlice(0, n).toArray(JAVA_BYTE);
        int end = 0;
        while (end < n && head[end] != 0) end++;
        return new String(head, 0, end, StandardCharsets.ISO_8859_1).contains(".version");
    }

    /** The image in native memory of {@code arena}; PTX gets a terminating NUL if it lacks one. */
    static MemorySegment toNative(MemorySegment image, Kind kind, Arena arena) {
        boolean addNul = kind == Kind.PTX && image.get(JAVA_BYTE, image.byteSize() - 1) != 0;
        MemorySegment copy = arena.allocate(image.byteSize() + (addNul ? 1 : 0), 16);
        MemorySegment.copy(image, 0, copy, 0, image.byteSize());
        return copy;
    }
}
