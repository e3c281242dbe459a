package io.orion.backend.cuda.internal.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.orion.backend.cuda.internal.FakeDriver;

class LibraryCheckTest {

    @Test
    void aLibraryThatCannotBeOpenedSaysWhy() {
        LibraryCheck c = LibraryCheck.of("liborion-absent.so.9", DriverSymbols.REQUIRED);
        assertFalse(c.loaded());
        assertFalse(c.usable());
        assertTrue(c.loadError().contains("liborion-absent.so.9"), c.loadError());
        assertEquals(List.of(), c.missing());
    }

    @Test
    void theFakeDriverHasEverySymbolAndTheOldOneLacksTheNewest() {
        FakeDriver.require();
        assertTrue(LibraryCheck.of(DriverSymbols.LIBRARY, DriverSymbols.REQUIRED).usable());
        LibraryCheck old = LibraryCheck.of(FakeDriver.dir().resolve("cuda-old/libcuda.so.1").toString(), DriverSymbols.REQUIRED);
        assertTrue(old.loaded());
        assertEquals(List.of("cuEventElapsedTime_v2"), old.missing());
    }
}
