package io.orion.backend.host.internal.fatbin;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The section names of a 64-bit little-endian ELF image (a cubin), read with every offset checked.
 * Enough to tell whether a SASS image holds code ({@code .text.<kernel>} sections) or is a stub
 * such as the one nvlink adds to every executable.
 */
public final class ElfSections {
    private ElfSections() {}

    /** The section names; CorruptDataException if the image is not a readable ELF64. */
    public static List<String> names(byte[] elf) {
        if (elf.length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F' || elf[4] != 2 || elf[5] != 1)
            throw new CorruptDataException("not a 64-bit little-endian ELF image");
        long shoff = Fatbin.le(elf, 0x28, 8);
        int shentsize = (int) Fatbin.le(elf, 0x3a, 2);
        int shnum = (int) Fatbin.le(elf, 0x3c, 2);
        int shstrndx = (int) Fatbin.le(elf, 0x3e, 2);
        if (shentsize < 64 || shoff < 0 || shoff + (long) shnum * shentsize > elf.length || shstrndx >= shnum)
            throw new CorruptDataException("ELF section headers lie outside the image");
        long strings = Fatbin.le(elf, (int) (shoff + (long) shstrndx * shentsize + 0x18), 8);
        long stringsSize = Fatbin.le(elf, (int) (shoff + (long) shstrndx * shentsize + 0x20), 8);
        if (strings < 0 || stringsSize < 0 || strings + stringsSize > elf.length)
            throw new CorruptDataException("ELF section names lie outside the image");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < shnum; i++) {
            long name = Fatbin.le(elf, (int) (shoff + (long) i * shentsize), 4);
            if (name >= stringsSize) throw new CorruptDataException("ELF section name outside the string table");
            int start = (int) (strings + name);
            int end = start;
            while (end < strings + stringsSize && elf[end] != 0) end++;
            out.add(new String(elf, start, end - start, StandardCharsets.US_ASCII));
        }
        return out;
    }

    /** Whether the image holds device code: a {@code .text.} section. */
    public static boolean hasCode(byte[] elf) {
        return names(elf).stream().anyMatch(n -> n.startsWith(".text."));
    }
}
