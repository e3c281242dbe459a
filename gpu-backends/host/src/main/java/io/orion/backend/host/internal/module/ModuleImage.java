package io.orion.backend.host.internal.module;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;

import io.orion.api.backend.CudaError;
import io.orion.api.backend.GpuException;
import io.orion.backend.host.internal.fatbin.CorruptDataException;
import io.orion.backend.host.internal.fatbin.ElfSections;
import io.orion.backend.host.internal.fatbin.Fatbin;
import io.orion.backend.host.internal.fatbin.FatbinEntry;

/**
 * Recognises what {@code cuModuleLoadData} was given, by content, and finds the PTX in it: PTX
 * text as it is; a fat binary's PTX entry (decompressed); SASS (a cubin, or a fat binary with only
 * ELF entries) cannot be interpreted and is refused with the nvcc option that embeds PTX.
 *
 * @param ptx    the PTX text
 * @param origin where it came from, for messages
 */
public record ModuleImage(String ptx, String origin) {

    /**
     * @param deviceArch the device's compute capability as major*10+minor: the PTX entry with the
     *                   highest architecture not above it is chosen, as the driver chooses
     */
    public static ModuleImage of(byte[] image, int deviceArch) {
        if (image.length == 0) throw new GpuException(CudaError.INVALID_IMAGE, "the module image is empty");
        if (Fatbin.looksLikeFatbin(image)) return fromFatbin(image, deviceArch);
        long magic = image.length >= 4 ? (image[0] & 0xffL) | (image[1] & 0xffL) << 8 | (image[2] & 0xffL) << 16
                | (image[3] & 0xffL) << 24 : -1;
        if (magic == (Fatbin.WRAPPER_MAGIC & 0xffff_ffffL))
            throw new GpuException(CudaError.INVALID_IMAGE, "this is the fat binary wrapper that __cudaRegisterFatBinary receives"
                    + " (magic 0x466243b1); load the fat binary its data pointer points to (magic 0xba55ed50)");
        if (image.length >= 4 && image[0] == 0x7f && image[1] == 'E' && image[2] == 'L' && image[3] == 'F')
            throw new GpuException(CudaError.NO_BINARY_FOR_GPU, "the image is a cubin (ELF with SASS); the host backend runs PTX"
                    + " only: load the PTX (nvcc -ptx) or a fat binary that embeds it (nvcc -arch=sm_XX embeds compute_XX PTX)");
        String text = text(image, 0, image.length);
        if (!text.contains(".version") || !text.contains(".target"))
            throw new GpuException(CudaError.INVALID_IMAGE, "the image is neither PTX text, a fat binary (magic 0xba55ed50)"
                    + " nor a cubin");
        return new ModuleImage(text, "PTX text");
    }

    private static ModuleImage fromFatbin(byte[] image, int deviceArch) {
        Fatbin fatbin;
        try {
            fatbin = Fatbin.parse(image);
        } catch (CorruptDataException e) {
            throw new GpuException(CudaError.INVALID_IMAGE, "malformed fat binary: " + e.getMessage());
        }
        List<FatbinEntry> ptx = fatbin.entries().stream().filter(FatbinEntry::isPtx).toList();
        if (ptx.isEmpty() && !hasCode(fatbin))
            return new ModuleImage(EMPTY_PTX, "fat binary without device code (such as the stub nvlink adds to executables)");
        if (ptx.isEmpty()) {
            String held = fatbin.entries().stream().map(FatbinEntry::describe).distinct().reduce((a, b) -> a + ", " + b)
                    .orElse("no entries");
            int arch = fatbin.entries().stream().mapToInt(FatbinEntry::arch).max().orElse(90);
            throw new GpuException(CudaError.NO_BINARY_FOR_GPU, "the fat binary holds no PTX (" + held + "); the host backend"
                    + " interprets PTX and cannot run SASS: build with -gencode arch=compute_" + arch + ",code=compute_" + arch
                    + " added (or -arch=sm_" + arch + ", which embeds the PTX too)");
        }
        FatbinEntry chosen = ptx.stream().filter(e -> e.arch() <= deviceArch).max(Comparator.comparingInt(FatbinEntry::arch))
                .orElseGet(() -> ptx.stream().min(Comparator.comparingInt(FatbinEntry::arch)).orElseThrow());
        byte[] payload;
        try {
            payload = fatbin.payload(chosen);
        } catch (CorruptDataException e) {
            throw new GpuException(CudaError.INVALID_IMAGE, "cannot read the fat binary's " + chosen.describe() + ": "
                    + e.getMessage() + "; if the compression is at fault, rebuild with nvcc --compress-mode=none");
        }
        return new ModuleImage(text(payload, 0, payload.length), "fat binary entry: " + chosen.describe());
    }

    /**
     * Whether any SASS entry holds code. A container without PTX whose SASS has no code (nvlink's
     * stub, which every executable registers too) loads as a module without kernels instead of
     * failing the program's start.
     */
    private static boolean hasCode(Fatbin fatbin) {
        for (FatbinEntry e : fatbin.entries()) {
            if (e.kind() != FatbinEntry.ELF) return true;
            try {
                if (ElfSections.hasCode(fatbin.payload(e))) return true;
            } catch (CorruptDataException unreadable) {
                return true; // cannot tell: say it cannot run
            }
        }
        return false;
    }

    private static final String EMPTY_PTX = ".version 9.0\n.target sm_90\n.address_size 64\n";

    /** Text up to the first NUL (PTX handed to the driver is a C string). */
    private static String text(byte[] data, int from, int to) {
        int end = from;
        while (end < to && data[end] != 0) end++;
        return new String(data, from, end - from, StandardCharsets.UTF_8);
    }
}
