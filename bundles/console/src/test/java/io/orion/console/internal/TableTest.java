package io.orion.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void alignsColumns() {
        String text = new Table("A", "LONGER", "C").row("xxxx", 1, "end").row("y", 22, "").toString();
        assertEquals("""
                A     LONGER  C
                xxxx  1       end
                y     22
                """, text);
    }

    @Test
    void rejectsRowsOfTheWrongWidth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Table("A", "B").row("only one"));
        assertTrue(e.getMessage().contains("1 cells"));
    }

    @Test
    void helpListsEveryCommand() {
        for (String c : new String[] {"status", "policy", "backend", "transport", "pool", "config", "help"})
            assertTrue(OrionCommands.HELP.contains("orion:" + c), c);
    }
}
