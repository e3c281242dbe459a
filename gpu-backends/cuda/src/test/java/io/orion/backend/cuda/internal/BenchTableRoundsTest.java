package io.orion.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.orion.backend.cuda.gpu.BenchTable;
import io.orion.backend.cuda.gpu.BenchTable.Key;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run.sh appends several rounds of results to one file: each figure is their median. */
class BenchTableRoundsTest {

    @Test
    void eachFigureIsTheMedianOfItsRounds(@TempDir Path dir) throws Exception {
        Path c = Files.writeString(dir.resolve("c.txt"), """
                bench: measuring thread pinned to CPU 15
                RESULT c h2d_pinned 262144 12.0
                RESULT c launch_sync 0 9.0
                RESULT c h2d_pinned 262144 14.0
                RESULT c launch_sync 0 9.2
                RESULT java h2d_pinned 262144 99.0
                RESULT c h2d_pinned 262144 13.0
                RESULT c launch_sync 0 9.1
                """);
        Map<Key, Double> medians = BenchTable.readIfAny(c, "c");
        assertEquals(13.0, medians.get(new Key("h2d_pinned", 262144)), 1e-9);
        assertEquals(9.1, medians.get(new Key("launch_sync", 0)), 1e-9);
        assertEquals(List.of(12.0, 14.0, 13.0), BenchTable.rounds(c, "c").get(new Key("h2d_pinned", 262144)));
        assertEquals(1, BenchTable.readIfAny(c, "java").size());
    }

    @Test
    void eachRoundIsComparedWithTheOneBesideIt(@TempDir Path dir) throws Exception {
        // round 2 is slow for everybody (the GPU or machine drifted): paired, Java is 1 % over C each round
        Path c = Files.writeString(dir.resolve("c.txt"), "RESULT c launch_sync 0 10.0\nRESULT c launch_sync 0 20.0\nRESULT c launch_sync 0 10.0\n");
        Path j = Files.writeString(dir.resolve("j.txt"), """
                RESULT cjvm launch_sync 0 10.0
                RESULT java launch_sync 0 10.1
                RESULT cjvm launch_sync 0 20.0
                RESULT java launch_sync 0 20.2
                RESULT cjvm launch_sync 0 10.0
                RESULT java launch_sync 0 10.1
                """);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        int rc = BenchTable.printRounds(BenchTable.rounds(c, "c"), BenchTable.rounds(j, "cjvm"), BenchTable.rounds(j, "ffm"),
                BenchTable.rounds(j, "java"), new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        String text = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, rc, text);
        org.junit.jupiter.api.Assertions.assertTrue(text.contains("+1.0%"), text);
        org.junit.jupiter.api.Assertions.assertTrue(text.contains("100.0%"), "C's spread, (20 - 10) / 10: " + text);
        org.junit.jupiter.api.Assertions.assertTrue(text.contains("within 5 % of C in the same process: 1 of 1 rows"), text);

        // 10 % over the C loops in its own process fails the target
        Path slow = Files.writeString(dir.resolve("slow.txt"), "RESULT cjvm launch_sync 0 10.0\nRESULT java launch_sync 0 11.0\n");
        assertEquals(1, BenchTable.printRounds(BenchTable.rounds(c, "c"), BenchTable.rounds(slow, "cjvm"), Map.of(),
                BenchTable.rounds(slow, "java"), new java.io.PrintStream(java.io.OutputStream.nullOutputStream())));
    }
}
